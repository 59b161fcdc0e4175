import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RateLimitedError } from '../common/errors/domain-errors.js';
import { AppConfig } from '../config/app-config.js';

/** The throttle keys one login attempt counts against, with each key's limit. */
export interface LoginAttempt {
  keys: string[];
  limits: number[];
}

/**
 * Login throttling in the database, so that every replica sees the same counts: repeated
 * failures for one account, or from one client address, lock it out for a while.
 *
 * An attempt is counted before its password is checked (`begin`), under a lock on each of its
 * keys, and the count is given back when the password was right (`succeeded`). Checking first
 * and counting after the password check let every attempt that arrived while the others were
 * still hashing through: 40 simultaneous wrong passwords for an account with a limit of 5 were
 * all checked. Now they count as 40, and only the first 5 reach the password check. Attempts
 * refused without a password check do not count, so that someone retrying against a locked
 * account does not also use up the budget of the address they share with colleagues.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Counts an attempt against the account and the client address; RATE_LIMITED when either is
   * locked or already has as many attempts in this window as it may fail.
   */
  async begin(email: string, address: string | null): Promise<LoginAttempt> {
    const { maxAccountFailures, maxAddressFailures, lockSeconds } = this.config.auth;
    const attempt: LoginAttempt = { keys: [`account:${email.trim().toLowerCase()}`], limits: [maxAccountFailures] };
    if (address) {
      attempt.keys.push(`address:${address}`);
      attempt.limits.push(maxAddressFailures);
    }
    const refusals: { retry: number }[] = await this.db.transaction(async (m) => {
      // A row for each new key first, so that the next statement can lock every key. Keys are
      // inserted and locked in one order (sorted) by every attempt: two never deadlock.
      await m.query(
        `INSERT INTO login_throttle (key, failures, window_started_at)
         SELECT key, 0, now() FROM unnest($1::text[]) AS key ORDER BY key
         ON CONFLICT (key) DO NOTHING`,
        [attempt.keys],
      );
      // A window older than the lock period starts again. Refused: a locked key, or one whose
      // attempts in this window (those under way included) have reached its limit.
      return m.query(
        `WITH cur AS (
           SELECT t.key, l.lim, t.failures, t.window_started_at, t.locked_until,
                  t.window_started_at < now() - make_interval(secs => $3) AS expired
             FROM login_throttle t JOIN unnest($1::text[], $2::int[]) AS l(key, lim) ON l.key = t.key
            ORDER BY t.key FOR UPDATE OF t
         ), refused AS (
           SELECT ceil(extract(epoch FROM CASE WHEN locked_until > now() THEN locked_until
                                               ELSE window_started_at + make_interval(secs => $3) END - now()))::int AS retry
             FROM cur WHERE locked_until > now() OR (NOT expired AND failures >= lim)
         ), counted AS (
           UPDATE login_throttle t
              SET failures = CASE WHEN c.expired THEN 1 ELSE c.failures + 1 END,
                  window_started_at = CASE WHEN c.expired THEN now() ELSE c.window_started_at END
             FROM cur c WHERE t.key = c.key AND NOT EXISTS (SELECT 1 FROM refused)
         )
         SELECT retry FROM refused`,
        [attempt.keys, attempt.limits, lockSeconds],
      );
    });
    if (refusals.length) {
      throw new RateLimitedError(Math.max(1, ...refusals.map((r) => r.retry)), 'Too many failed logins; try again later');
    }
    return attempt;
  }

  /** The password was wrong: a key that has reached its limit is locked for the lock period. */
  async failed(attempt: LoginAttempt): Promise<void> {
    await this.db.query(
      `UPDATE login_throttle t SET locked_until = now() + make_interval(secs => $3)
         FROM unnest($1::text[], $2::int[]) AS l(key, lim)
        WHERE t.key = l.key AND t.failures >= l.lim AND (t.locked_until IS NULL OR t.locked_until <= now())`,
      [attempt.keys, attempt.limits, this.config.auth.lockSeconds],
    );
  }

  /** The password was right: the account starts afresh, and the address gets its attempt back. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    const [account, address] = attempt.keys;
    await this.db.query(`DELETE FROM login_throttle WHERE key = $1`, [account]);
    if (address) await this.db.query(`UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1`, [address]);
  }
}
