import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RateLimitedError } from '../common/errors/domain-errors.js';
import { AppConfig } from '../config/app-config.js';


/**
 * Login throttling in the database, so that every replica sees the same counts: repeated
 * failures for one account, or from one client address, lock it out for a while.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  private keys(email: string, address: string | null): { key: string; max: number }[] {
    const { maxAccountFailures, maxAddressFailures } = this.config.auth;
    const keys = [{ key: `account:${email.trim().toLowerCase()}`, max: maxAccountFailures }];
    if (address) keys.push({ key: `address:${address}`, max: maxAddressFailures });
    return keys;
  }

  async assertAllowed(email: string, address: string | null): Promise<void> {
    const [row] = await this.db.query(
      `SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int AS retry FROM login_throttle WHERE key = ANY($1) AND locked_until > now()`,
      [this.keys(email, address).map((k) => k.key)],
    );
    if (row?.retry > 0) throw new RateLimitedError(row.retry, 'Too many failed logins; try again later');
  }

  async recordFailure(email: string, address: string | null): Promise<void> {
    for (const { key, max } of this.keys(email, address)) {
      await this.db.query(
        `INSERT INTO login_throttle AS t (key, failures, window_started_at) VALUES ($1, 1, now())
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN t.window_started_at < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
           window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => $2) THEN now() ELSE t.window_started_at END,
           locked_until = CASE WHEN t.window_started_at >= now() - make_interval(secs => $2) AND t.failures + 1 >= $3
                               THEN now() + make_interval(secs => $4) ELSE t.locked_until END`,
        [key, this.config.auth.lockSeconds, max, this.config.auth.lockSeconds],
      );
    }
  }

  async recordSuccess(email: string): Promise<void> {
    await this.db.query(`DELETE FROM login_throttle WHERE key = $1`, [`account:${email.trim().toLowerCase()}`]);
  }
}
