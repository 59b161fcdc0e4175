import { AsyncResource } from 'node:async_hooks';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module.js';
import { BadUserInputError } from './common/errors/domain-errors.js';
import { errorBody } from './common/errors/error-body.js';
import { refuseTooDeep } from './common/http/json-depth.js';
import { UnhandledErrorsFilter } from './common/errors/unhandled-errors.filter.js';
import { HubNestLogger, hubRootLogger, requestLineLogger } from './common/logging/hub-logger.js';
import { requestIdFor, requestLog } from './common/logging/request-log.js';
import type { AppConfig } from './config/app-config.js';
import { graphiqlPage, registerConsolePages } from './console/console-pages.js';
import { operationSpanHook } from './graphql/operation-span.js';

export const GRAPHIQL_OFF_MESSAGE = 'GraphiQL is off in production (NODE_ENV=production): send GraphQL requests as POST /graphql with Content-Type: application/json';

/**
 * In production a browser opening /graphql is told that GraphiQL is off, instead of Apollo's
 * refusal of a GET without a query as a possible cross-site request forgery. A GET that carries
 * a query goes on to Apollo.
 */
function graphiqlOff(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (req.method !== 'GET' || req.url.split('?')[0] !== '/graphql' || (req.query as { query?: unknown }).query !== undefined) return done();
  void reply.code(400).send(errorBody(new BadUserInputError([{ field: 'query', message: GRAPHIQL_OFF_MESSAGE }], GRAPHIQL_OFF_MESSAGE)));
}

/**
 * A request Node's parser refuses (headers over 16 kB, a malformed request line) is answered as
 * Node itself answers it, with `Connection: close` and the socket ended after the answer:
 * Fastify's own handler leaves that header out and destroys the socket, so a keep-alive client
 * sends its next request down a socket that is gone.
 */
function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
}

const REQUEST_SCOPE = Symbol('hub.requestScope');
type ScopedRequest = FastifyRequest & { [REQUEST_SCOPE]?: AsyncResource };

/** The hub's HTTP application (Fastify) for a configuration, not yet listening. */
export async function createHubApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    // The request id: a sane X-Request-Id, or a new one (request-log.ts).
    genReqId: requestIdFor,
    clientErrorHandler,
    // No logger of Fastify's own (so no request logging of its own either): requestLog writes
    // the one line of each request through the hub's logger.
    logger: false,
  });
  const fastify = adapter.getInstance();
  // Before Nest's middleware (nestjs-pino picks up `req.log`), which Nest adds once created.
  fastify.addHook('onRequest', requestLog(hubRootLogger(config.log), requestLineLogger(config.log)));
  // GraphiQL from the hub's own build outside production; in production a browser is told it is off.
  fastify.addHook('onRequest', config.production ? graphiqlOff : graphiqlPage());
  // Only JSON (and text/plain, which Fastify reads as a string) is parsed; a body of another
  // type is read up to the limit and left out, and Apollo answers the request without one.
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    // Nest's own lines wait for the pino logger (one format from the first line)...
    bufferLogs: true,
    bodyParser: false,
    // ...and a failed start is the caller's to report and clean up after, not a process.exit.
    abortOnError: false,
  });
  app.useLogger(app.get(HubNestLogger));
  app.useGlobalFilters(new UnhandledErrorsFilter(app.getHttpAdapter()));

  // The async context of the request's hooks and Nest middleware (the request's logger in
  // nestjs-pino's store, the HTTP trace span) is lost while Fastify reads the body: it is kept
  // after every `onRequest` hook (Nest's middleware run in one) and the handler runs in it again.
  fastify.addHook('preParsing', (req: ScopedRequest, _reply, payload, done) => {
    req[REQUEST_SCOPE] = new AsyncResource('hub.request');
    done(null, payload);
  });
  fastify.addHook('preValidation', (req: ScopedRequest, reply, done) => {
    const scope = req[REQUEST_SCOPE];
    const go = (): void => {
      if (!refuseTooDeep(req, reply)) done();
    };
    if (scope) scope.runInAsyncScope(go);
    else go();
  });
  fastify.addHook('preHandler', operationSpanHook);
  await registerConsolePages(fastify, { tileUrl: config.consoleMapTileUrl });
  return app;
}
