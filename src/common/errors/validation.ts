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

/** A UTF-16 surrogate without its other half: not a character, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode text (it holds a lone surrogate)';
  return null;
}

/**
 * Fields whose strings PostgreSQL text cannot store as sent: a NUL character, or a lone
 * surrogate (JSON's `"\udfff"`, which UTF-8 cannot encode; validators such as isEmail even
 * throw on it). Refused for every argument of every operation here, before a validator or a
 * service sees it.
 */
export function unstorableTextFields(value: unknown, path: string, depth = 0): FieldError[] {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? [{ field: path, message: `${path} ${problem}` }] : [];
  }
  if (depth > 20 || value === null || typeof value !== 'object' || value instanceof Date) return [];
  if (Array.isArray(value)) {
    // Like class-validator's `each` errors, a list's field is the list, not an element.
    const problem = value.map((v) => unstorableTextFields(v, path, depth + 1)).find((e) => e.length);
    return problem ? [{ field: path, message: problem[0].message }] : [];
  }
  return Object.entries(value).flatMap(([k, v]) => unstorableTextFields(v, path ? `${path}.${k}` : k, depth + 1));
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
    const unstorable = unstorableTextFields(value, metadata.data ?? '');
    if (unstorable.length) throw new BadUserInputError(unstorable);
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
