import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * Every DateTime input stays within these, whatever else its field allows: PostgreSQL's
 * timestamptz cannot hold all of JavaScript's dates, and no date of the hub is outside them.
 */
export const EARLIEST_TIME = new Date('1970-01-01T00:00:00.000Z');
export const LATEST_TIME = new Date('9999-12-31T23:59:59.999Z');

export interface TimeWindow {
  /** Strictly after the time of the request (a due date, a deadline, an expiry). */
  future?: boolean;
  /** At most this far after the time of the request (for `future` fields, how far ahead is sane; for past events, the clock skew allowed). */
  maxAheadMs?: number;
}

function describe(ms: number): string {
  return ms % DAY_MS === 0 ? `${ms / DAY_MS} days` : `${Math.round(ms / MINUTE_MS)} minutes`;
}

/** Why a date is outside the window, or null when it is inside. */
export function timeWindowViolation(value: Date, window: TimeWindow, now = Date.now()): string | null {
  const t = value.getTime();
  if (t < EARLIEST_TIME.getTime() || t > LATEST_TIME.getTime()) return `must be between ${EARLIEST_TIME.toISOString()} and ${LATEST_TIME.toISOString()}`;
  if (window.future && t <= now) return 'must be in the future';
  if (window.maxAheadMs !== undefined && t > now + window.maxAheadMs) {
    return window.future ? `must be at most ${describe(window.maxAheadMs)} ahead` : 'must not be in the future';
  }
  return null;
}

/**
 * The one rule for times that depend on the time of the request (class-validator runs it at
 * validation time, so each request is judged against its own "now"). Only dates are judged;
 * `@IsDate()` refuses anything else.
 *
 *   @IsTimeWithin({ future: true, maxAheadMs: 90 * DAY_MS })   a due date
 *   @IsTimeWithin({ maxAheadMs: 5 * MINUTE_MS })              something that has happened (clock skew allowed)
 *   @IsTimeWithin()                                            only the absolute bounds (filters)
 */
export function IsTimeWithin(window: TimeWindow = {}, options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isTimeWithin',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [window],
      options,
      validator: {
        validate(value: unknown) {
          if (!(value instanceof Date) || Number.isNaN(value.getTime())) return true;
          return timeWindowViolation(value, window) === null;
        },
        defaultMessage(args: ValidationArguments) {
          const value = args.value as Date;
          return `${args.property} ${timeWindowViolation(value, window) ?? 'is out of range'}`;
        },
      },
    });
  };
}
