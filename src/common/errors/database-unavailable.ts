/** PostgreSQL error classes that mean "the server is not (or no longer) there". */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3])/;
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|timeout expired|terminating connection|the database system is (starting up|shutting down)|Client has encountered a connection error/i;

/**
 * True when an error means the database cannot be reached (down, restarting, network), as
 * opposed to a bug: the client is told to retry, and the message says what is wrong without
 * saying where the database is.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && UNAVAILABLE_SQLSTATE.test(x.code)) return true;
    if (typeof x.message === 'string' && UNAVAILABLE_MESSAGE.test(x.message)) return true;
    e = x.driverError ?? x.cause;
  }
  return false;
}

export const DATABASE_UNAVAILABLE_MESSAGE = 'The hub cannot reach its database at the moment; retry shortly';
