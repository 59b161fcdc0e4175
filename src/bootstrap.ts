import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { BadUserInputError } from './common/errors/domain-errors.js';
import { errorBody } from './common/errors/error-body.js';
import type { AppConfig } from './config/app-config.js';
import { jsonDepthLimit } from './common/http/json-depth.js';

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

/** The hub's HTTP application for a configuration, not yet listening. */
export async function createHubApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  if (config.http.trustProxy) app.set('trust proxy', true);
  app.useBodyParser('json', { limit: config.http.bodyLimitBytes });
  app.use(jsonDepthLimit());
  app.use(bodyErrorHandler);
  return app;
}
