import { type ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import { BadUserInputError, type FieldError } from './domain-errors.js';

/** Flattens class-validator's nested errors into `{ field: 'input.title', message }`. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message: `${field} ${stripProperty(message, e.property)}` }));
    return own.concat(flattenValidationErrors(e.children ?? [], field));
  });
}

/** class-validator's messages start with the bare property name; the field path replaces it. */
function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * The global pipe: input types are validated with class-validator and unknown properties are
 * refused, as BAD_USER_INPUT whose `validationErrors` name each field by its path from the
 * argument (`input.title`).
 */
@Injectable()
export class HubValidationPipe extends ValidationPipe {
  constructor() {
    super({ transform: true, whitelist: true, forbidNonWhitelisted: true, validateCustomDecorators: false });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (e) {
      const errors = (e as { validationErrors?: ValidationError[] }).validationErrors;
      if (!errors) throw e;
      throw new BadUserInputError(flattenValidationErrors(errors, metadata.data ?? ''));
    }
  }

  override createExceptionFactory() {
    return (validationErrors: ValidationError[] = []) => Object.assign(new Error('validation failed'), { validationErrors });
  }
}
