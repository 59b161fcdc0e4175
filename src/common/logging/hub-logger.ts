import { createRequire } from 'node:module';
import { Injectable } from '@nestjs/common';
import { Logger, type PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { traceLogFields } from '../tracing/tracer.js';

/** Secrets never reach a log line, wherever they would sit in it. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.secret',
  '*.apiKey',
  '*.authorization',
];

type PrettyFactory = (options: Record<string, unknown>) => pino.DestinationStream;

/** pino-pretty is a development dependency: the production image has none, and logs JSON. */
function prettyStream(): PrettyFactory | undefined {
  try {
    return createRequire(import.meta.url)('pino-pretty') as PrettyFactory;
  } catch {
    return undefined;
  }
}

/**
 * Written synchronously, in the main thread: a line logged just before the process exits (a
 * port in use, a failed start) is not lost, and lines from before and after the application
 * exists come out in the order they were logged.
 */
function destination(settings: AppConfig['log']): pino.DestinationStream {
  const pretty = settings.pretty ? prettyStream() : undefined;
  if (!pretty) return pino.destination({ dest: 1, sync: true });
  return pretty({
    destination: 1,
    sync: true,
    colorize: settings.colour,
    singleLine: true,
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
}

const roots = new WeakMap<AppConfig['log'], { root: pino.Logger; lines: pino.Logger }>();

function loggersFor(settings: AppConfig['log']): { root: pino.Logger; lines: pino.Logger } {
  let loggers = roots.get(settings);
  if (!loggers) {
    const out = destination(settings);
    loggers = {
      // With tracing on, a line logged inside a traced operation names its trace and span.
      root: pino({ level: settings.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, mixin: traceLogFields }, out),
      // The request lines (request-log.ts): fixed fields that hold no secret, so no redaction.
      lines: pino({ level: settings.level, mixin: traceLogFields }, out),
    };
    roots.set(settings, loggers);
  }
  return loggers;
}

/**
 * The one pino logger of the process for these settings: main.ts logs through it from its
 * first line, and the LoggingModule hands it to nestjs-pino, so that everything leaves in one
 * format through one stream. Keyed by the settings object, which every copy of a configuration
 * (AppConfig.withDatabaseUrl) shares.
 */
export function hubRootLogger(settings: AppConfig['log']): pino.Logger {
  return loggersFor(settings).root;
}

/** The logger of the one line each request leaves: the root's stream, without redaction. */
export function requestLineLogger(settings: AppConfig['log']): pino.Logger {
  return loggersFor(settings).lines;
}

/**
 * What Nest says about itself while it starts (every module, every route, "successfully
 * started" before the port is even bound): kept for LOG_LEVEL=debug.
 */
const START_UP_CHATTER = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'GraphQLModule']);

/**
 * Nest's logger service through nestjs-pino (lines inside a request carry its request id),
 * with Nest's start-up chatter at debug level.
 */
@Injectable()
export class HubNestLogger extends Logger {
  /**
   * The same, before there is an application: onto the root logger directly, so that even a
   * start that fails before the application exists logs in the one format.
   */
  static beforeApplication(root: pino.Logger): HubNestLogger {
    return new HubNestLogger(root as unknown as PinoLogger, {});
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && START_UP_CHATTER.has(context)) super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }

  /**
   * Nest's own line for a listen that failed (`Error: listen EADDRINUSE…`) goes to debug: the
   * error reaches main.ts, which says it once, in words (a port in use) or with its message.
   */
  override error(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (context === 'NestApplication' && typeof message === 'string' && message.startsWith('Error: listen ')) super.debug(message, ...optionalParams);
    else super.error(message, ...optionalParams);
  }
}
