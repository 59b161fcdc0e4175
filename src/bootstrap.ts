import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module.js';
import { BadUserInputError } from './common/errors/domain-errors.js';
import { errorBody } from './common/errors/error-body.js';
import { ErrorsLoggedOnceFilter } from './common/logging/errors-logged-once.filter.js';
import { HubNestLogger, hubRootLogger, requestLineLogger } from './common/logging/hub-logger.js';
import { requestLog } from './common/logging/request-log.js';
import type { AppConfig } from './config/app-config.js';
import { jsonDepthLimit } from './common/http/json-depth.js';
import { consolePages, graphiqlPage } from './console/console-pages.js';
import { operationSpanMiddleware } from './graphql/operation-span.js';

/**
 * A body that cannot be read (too large, not JSON) is refused before GraphQL sees it; the
 * client still gets the GraphQL error shape with a contract code, never an HTML page or a 500.
 */
function bodyErrorHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const e = err as { type?: string; status?: number; message?: string };
  if (!e || typeof e.status !== 'number' || e.status >= 500) return next(err);
  const tooLarge = e.type === 'entity.too.large';
  const message = tooLarge ? 'The request body is too large' : 'The request body is not valid JSON';
  res.status(tooLarge ? 413 : 400).json(errorBody(new BadUserInputError([{ field: 'body', message }], message)));
}

export const GRAPHIQL_OFF_MESSAGE = 'GraphiQL is off in production (NODE_ENV=production): send GraphQL requests as POST /graphql with Content-Type: application/json';

/**
 * In production a browser opening /graphql is told that GraphiQL is off, instead of Apollo's
 * refusal of a GET without a query as a possible cross-site request forgery. A GET that carries
 * a query goes on to Apollo.
 */
function graphiqlOff(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'GET' || req.path !== '/graphql' || req.query.query !== undefined) return next();
  res.status(400).json(errorBody(new BadUserInputError([{ field: 'query', message: GRAPHIQL_OFF_MESSAGE }], GRAPHIQL_OFF_MESSAGE)));
}

/** The hub's HTTP application for a configuration, not yet listening. */
export async function createHubApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    // Nest's own lines wait for the pino logger (one format from the first line)...
    bufferLogs: true,
    bodyParser: false,
    // ...and a failed start is the caller's to report and clean up after, not a process.exit.
    abortOnError: false,
  });
  app.useLogger(app.get(HubNestLogger));
  app.useGlobalFilters(new ErrorsLoggedOnceFilter(app.getHttpAdapter()));
  app.disable('x-powered-by');
  // An answer to a POST is never revalidated: no SHA-1 of every response body for an ETag.
  app.disable('etag');
  app.use(requestLog(hubRootLogger(config.log), requestLineLogger(config.log)));
  // GraphiQL from the hub's own build outside production; in production a browser is told it is off.
  app.use(config.production ? graphiqlOff : graphiqlPage());
  app.use(consolePages({ tileUrl: config.consoleMapTileUrl }));
  if (config.http.trustProxy) app.set('trust proxy', true);
  app.useBodyParser('json', { limit: config.http.bodyLimitBytes });
  app.use(jsonDepthLimit());
  app.use(bodyErrorHandler);
  app.use('/graphql', operationSpanMiddleware);
  return app;
}
