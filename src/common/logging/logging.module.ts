import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config.js';
import { HubNestLogger, hubRootLogger } from './hub-logger.js';

/**
 * Structured JSON logs through pino, readable (pretty) on a terminal. Every line logged while a
 * request runs carries its request id: `requestLog` (request-log.ts, the first middleware of
 * the HTTP application) binds a logger to the id as `req.log`, and nestjs-pino keeps that logger
 * for the request (`useExisting`) for Nest's logger service.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ useExisting: true, pinoHttp: { logger: hubRootLogger(config.log) } }),
    }),
  ],
  providers: [HubNestLogger],
  exports: [HubNestLogger],
})
export class LoggingModule {}
