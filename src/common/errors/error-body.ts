import type { DomainError } from './domain-errors.js';

/** One error as every transport shows it: the GraphQL error shape with the contract's code. */
export function errorEntry(e: DomainError): { message: string; extensions: Record<string, unknown> } {
  return { message: e.message, extensions: { code: e.code, ...e.extensions } };
}

/**
 * The one error body for what GraphQL's formatter does not answer: plain HTTP routes (the
 * printable pages), bodies refused before GraphQL reads them, and responses a plugin replaces.
 */
export function errorBody(e: DomainError): { errors: ReturnType<typeof errorEntry>[] } {
  return { errors: [errorEntry(e)] };
}
