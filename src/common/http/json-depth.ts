import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadUserInputError } from '../errors/domain-errors.js';
import { errorBody } from '../errors/error-body.js';

/**
 * How deep a request body's JSON may nest. The contract's deepest input (variables → input →
 * location → latitude, or a list of ids) is a handful of levels; 32 leaves room and still keeps
 * every recursive walk over the body (GraphQL's variable coercion, the idempotency fingerprint,
 * class-transformer) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a parsed JSON value, walked without recursion; stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d]);
  }
  return max;
}

/**
 * Part of a Fastify `preValidation` hook (after the JSON body is parsed): a body nested deeper
 * than `maxDepth` is refused with 400 and a GraphQL-shaped BAD_USER_INPUT before anything walks
 * it; true when it was. Found by the fuzz suite: deeply nested (unused) variables on a mutation
 * with an Idempotency-Key overflowed the stack while the request was fingerprinted, a 500.
 */
export function refuseTooDeep(req: FastifyRequest, reply: FastifyReply, maxDepth = MAX_JSON_DEPTH): boolean {
  if (req.body === null || typeof req.body !== 'object' || jsonDepth(req.body, maxDepth) <= maxDepth) return false;
  const message = `The request body nests deeper than ${maxDepth} levels`;
  void reply.code(400).send(errorBody(new BadUserInputError([{ field: 'body', message }], message)));
  return true;
}
