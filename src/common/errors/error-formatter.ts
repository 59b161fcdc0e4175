import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from './database-unavailable.js';
import { DomainError } from './domain-errors.js';
import { errorEntry } from './error-body.js';
import { ErrorCode } from './error-codes.js';

const PASSED_THROUGH = new Set<string>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
]);

/** Apollo's own request-level codes that mean "your request is wrong". */
const APOLLO_BAD_REQUEST = new Set(['BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED', 'PERSISTED_QUERY_NOT_FOUND']);

function isClientHttpStatus(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export const MASKED_MESSAGE = 'Internal server error';

/**
 * graphql-js's "Did you mean …?" in any form: field, argument and type names ("Did you mean
 * "name"?"), enum values ("Did you mean the enum value "FLOOD"?"), union members ("Did you mean
 * to use an inline fragment on "X"?"). graphql-armor's mask matches only the first form and only
 * in validation errors; enum values in variables fail later, at coercion.
 */
const SUGGESTION = /Did you mean [^?]*\?/g;

/** The message with its suggestions replaced by graphql-armor's mask. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '[Suggestion hidden]').trim();
}

/**
 * The field a variable-coercion error of graphql-js is about: `Variable "$input" got invalid
 * value 3000000000 at "input.quantity"; Int cannot represent…` is about `input.quantity` (list
 * positions dropped, as in class-validator's errors); without a path, the variable itself.
 */
export function variableField(message: string): string {
  const variable = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)"/.exec(message)?.[1];
  if (!variable) return 'variables';
  const at = new RegExp(` at "(${variable}(?:\\.[_A-Za-z][_0-9A-Za-z]*|\\[\\d+\\])*)"; `).exec(message)?.[1];
  return (at ?? variable).replace(/\[\d+\]/g, '');
}

/** True for an error that no rule of the hub explains: it is logged and, in production, masked. */
export function isUnexpected(formatted: GraphQLFormattedError): boolean {
  return formatted.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * The one error formatter: every error leaves with a contract code. Domain errors carry their
 * own code and extensions; GraphQL's parse and validation errors keep theirs; everything else
 * is INTERNAL_SERVER_ERROR, without a stack trace, its message replaced in production.
 */
export function createErrorFormatter(opts: { maskUnexpected: boolean; hideSuggestions?: boolean }) {
  const format = formatter(opts);
  if (!opts.hideSuggestions) return format;
  // Production does not help anyone map the schema: no suggestion in any message, whichever
  // path (validation, variable coercion, HTTP or graphql-ws) produced it.
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const out = format(formatted, error);
    const validationErrors = out.extensions?.validationErrors as { field: string; message: string }[] | undefined;
    return {
      ...out,
      message: withoutSuggestions(out.message),
      ...(validationErrors && { extensions: { ...out.extensions, validationErrors: validationErrors.map((v) => ({ ...v, message: withoutSuggestions(v.message) })) } }),
    };
  };
}

/**
 * The DomainError behind an error: a resolver's (Apollo unwraps those, which have a path), or one
 * raised before any resolver ran, such as graphql-ws's checks of an operation (no path).
 */
function domainErrorOf(error: unknown): DomainError | undefined {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original;
  const cause = (error as { originalError?: unknown } | null)?.originalError;
  return cause instanceof DomainError ? cause : undefined;
}

function formatter(opts: { maskUnexpected: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    const domain = domainErrorOf(error);
    if (domain) return { ...base, ...errorEntry(domain) };
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASSED_THROUGH.has(code)) {
      const extensions: Record<string, unknown> = { code };
      if (code === ErrorCode.BAD_USER_INPUT) {
        extensions.validationErrors = formatted.extensions?.validationErrors ?? [{ field: variableField(formatted.message), message: formatted.message }];
      }
      return { ...base, extensions };
    }
    if (typeof code === 'string' && APOLLO_BAD_REQUEST.has(code)) {
      return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT, validationErrors: [{ field: 'request', message: formatted.message }] } };
    }
    // Apollo answers some malformed requests with an error that has no code but an HTTP status
    // below 500: the request is wrong, not the hub.
    if (code === undefined && isClientHttpStatus(error)) {
      return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT, validationErrors: [{ field: 'request', message: formatted.message }] } };
    }
    if (isDatabaseUnavailable(original)) {
      return { ...base, message: DATABASE_UNAVAILABLE_MESSAGE, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, retryable: true } };
    }
    return {
      ...base,
      message: opts.maskUnexpected ? MASKED_MESSAGE : formatted.message,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
