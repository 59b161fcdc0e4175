import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config.js';
import { HubNestLogger, hubRootLogger } from './hub-logger.js';

/**
 * Structured JSON logs through pino, readable (pretty) on a terminal. Every line logged while a
 * request runs carries its request id: `requestLog` (request-log.ts, the first `onRequest` hook
 * of the HTTP application) binds a logger to the id as `req.log`, and nestjs-pino keeps that
 * logger for the request (`useExisting`) for Nest's logger service. Its middleware is given
 * every path as `{*path}`: its default (`{/*splat}`) matches no request under Nest's Fastify
 * adapter (12.5), whose middleware runs through @fastify/middie.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        useExisting: true,
        pinoHttp: { logger: hubRootLogger(config.log) },
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
      }),
    }),
  ],
  providers: [HubNestLogger],
  exports: [HubNestLogger],
})
export class LoggingModule {}
