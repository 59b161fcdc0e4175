import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pino from 'pino';
import { principalKey } from '../auth/principal.js';
import type { RequestContext } from '../request/request-context.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;
const NOT_LOGGED = /^\/(health|metrics)/;

type LoggedRequest = FastifyRequest & { hubContext?: RequestContext };

/**
 * The request's id (Fastify's `genReqId`): a sane `X-Request-Id`, or one made anew. Fastify
 * keeps it as `request.id`.
 */
export function requestIdFor(raw: IncomingMessage): string {
  const incoming = raw.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The one line a request leaves: what was asked, of whom, how it went and how long it took.
 * Built from these fields only: no headers and no query string (they are long, and they are
 * where credentials travel), so it needs no redaction.
 */
export function requestLine(req: LoggedRequest, res: ServerResponse, durationMs: number): Record<string, unknown> {
  const ctx = req.hubContext;
  return {
    reqId: req.id,
    method: req.method,
    path: (req.raw.url ?? '').split('?')[0],
    operation: ctx?.operationName,
    principal: ctx?.principal ? principalKey(ctx.principal) : undefined,
    status: res.statusCode,
    durationMs,
  };
}

/**
 * A Fastify `onRequest` hook, the first the hub adds (before Nest's middleware): the request's
 * id echoed back, a logger bound to it for every line logged while the request runs (`log` on
 * Fastify's request and on the Node request, which nestjs-pino keeps for the request:
 * `useExisting`; Fastify's own is a no-op, the application having no Fastify logger), and the
 * request's line when it ends (health and metrics leave none).
 *
 * In place of pino-http and of Fastify's own request logging (issue 19): one child with the id,
 * and the line through `lines`, a logger without redaction paths, since the line holds only the
 * fields above.
 */
export function requestLog(root: pino.Logger, lines: pino.Logger) {
  return (req: LoggedRequest, reply: FastifyReply, done: () => void): void => {
    const id = req.id;
    const raw = req.raw as IncomingMessage & { id?: string; log?: pino.Logger };
    const res = reply.raw;
    raw.id = id;
    // On both requests: Nest's middleware (nestjs-pino's among them) may be handed either.
    raw.log = root.child({ reqId: id });
    req.log = raw.log;
    res.setHeader('X-Request-Id', id);
    if (!NOT_LOGGED.test(raw.url ?? '')) {
      const started = Date.now();
      let logged = false;
      // 'finish' when the answer is handed over (still inside the request's trace span), 'close'
      // alone when the client went away first.
      const end = (): void => {
        if (logged) return;
        logged = true;
        const line = requestLine(req, res, Date.now() - started);
        // A 5xx, or an answer never finished: the error itself is logged once, where it was caught.
        if (res.statusCode >= 500 || !res.writableFinished) lines.error(line, 'request failed');
        else lines.info(line, 'request completed');
      };
      res.once('finish', end);
      res.once('close', end);
    }
    done();
  };
}
