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
 * Fields whose strings hold a NUL character, which PostgreSQL text cannot store: refused for
 * every argument of every operation here, before a service could send one to the database.
 */
export function nulCharacterFields(value: unknown, path: string, depth = 0): FieldError[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ field: path, message: `${path} must not contain NUL characters` }] : [];
  if (depth > 20 || value === null || typeof value !== 'object' || value instanceof Date) return [];
  if (Array.isArray(value)) {
    // Like class-validator's `each` errors, a list's field is the list, not an element.
    return value.some((v) => nulCharacterFields(v, path, depth + 1).length) ? [{ field: path, message: `${path} must not contain NUL characters` }] : [];
  }
  return Object.entries(value).flatMap(([k, v]) => nulCharacterFields(v, path ? `${path}.${k}` : k, depth + 1));
}

/** @nestjs/graphql's (unexported) GqlParamtype.ARGS: the pipe also sees parents, contexts and infos. */
const GRAPHQL_ARGS = 3;

function carriesClientInput(metadata: ArgumentMetadata): boolean {
  const type: unknown = metadata.type;
  return type === GRAPHQL_ARGS || type === 'body' || type === 'query' || type === 'param';
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
    // Parents, contexts and infos are the hub's own objects, not input: ValidationPipe would
    // otherwise copy (plainToInstance) and validate the parent of every field resolver call.
    if (!carriesClientInput(metadata)) return value;
    const nul = nulCharacterFields(value, metadata.data ?? '');
    if (nul.length) throw new BadUserInputError(nul);
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
