import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config.js';
import { principalKey } from '../auth/principal.js';
import type { RequestContext } from '../request/request-context.js';
import { HubNestLogger, hubRootLogger } from './hub-logger.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

type LoggedRequest = IncomingMessage & { originalUrl?: string; hubContext?: RequestContext };

/**
 * The one line a request leaves (its request id is bound to the logger): what was asked, of
 * whom, how it went and how long it took. No headers and no query string: they are long, and
 * they are where credentials travel.
 */
export function requestLine(req: LoggedRequest, res: ServerResponse, responseTime: number): Record<string, unknown> {
  const ctx = req.hubContext;
  return {
    method: req.method,
    path: (req.originalUrl ?? req.url ?? '').split('?')[0],
    operation: ctx?.operationName,
    principal: ctx?.principal ? principalKey(ctx.principal) : undefined,
    status: res.statusCode,
    durationMs: responseTime,
  };
}

/**
 * Structured JSON logs through pino, one request id (taken from a sane `X-Request-Id` or made
 * anew, and echoed back) bound to every line logged while a request runs, one line per
 * request; readable (pretty) on a terminal.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          logger: hubRootLogger(config.log),
          quietReqLogger: true,
          quietResLogger: true,
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const incoming = req.headers['x-request-id'];
            const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
            res.setHeader('X-Request-Id', id);
            return id;
          },
          autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
          customSuccessObject: (req, res, val: { responseTime: number }) => requestLine(req, res, val.responseTime),
          // A 5xx: the error itself is logged once, where it was caught; this is its request's line.
          customErrorObject: (req, res, _err, val: { responseTime: number }) => requestLine(req, res, val.responseTime),
          customErrorMessage: () => 'request failed',
        },
      }),
    }),
  ],
  providers: [HubNestLogger],
  exports: [HubNestLogger],
})
export class LoggingModule {}
