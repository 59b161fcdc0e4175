import type { Request } from 'express';

/** What every resolver gets as its GraphQL context: the request, and who is asking (later). */
export interface GraphqlContext {
  req: Request;
  requestId: string;
}

export function requestIdOf(req: Request): string {
  return String((req as Request & { id?: unknown }).id ?? '');
}
