import { createHash } from 'node:crypto';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FormattedExecutionResult } from 'graphql';
import { DataSource } from 'typeorm';

/** Keys are kept at least this long; a sweep removes older ones. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
/** A claim that never completed (its process died) may be taken over after this long. */
const STALE_CLAIM_SECONDS = 120;
const WAIT_FOR_FIRST_MS = 15000;

export type IdempotencyOutcome =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: FormattedExecutionResult }
  | { kind: 'mismatch' }
  | { kind: 'busy' };

/** Stable JSON: object keys sorted, so that equal variables hash equally whatever their order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(query: string, operationName: string | null | undefined, variables: unknown): string {
  return createHash('sha256').update(stableJson([query, operationName ?? null, variables ?? {}])).digest('hex');
}

/**
 * Invariant 6: a mutation request with an Idempotency-Key is carried out at most once per
 * principal and key. The first request claims the key (a row); concurrent duplicates wait for
 * its response; later retries get that response back; the same key with another request is
 * refused.
 */
@Injectable()
export class IdempotencyService implements OnModuleInit, OnModuleDestroy {
  private sweeper?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), 3600_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  async sweep(): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [IDEMPOTENCY_RETENTION_HOURS]);
  }

  async claim(principal: string, key: string, fingerprint: string): Promise<IdempotencyOutcome> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claimed = await this.db.query(
        `INSERT INTO idempotency_keys (principal, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
        [principal, key, fingerprint],
      );
      if (claimed.length) return { kind: 'claimed' };
      const [row] = await this.db.query(
        `SELECT request_hash, response, completed_at IS NULL AND created_at < now() - make_interval(secs => $3) AS stale
           FROM idempotency_keys WHERE principal = $1 AND key = $2`,
        [principal, key, STALE_CLAIM_SECONDS],
      );
      if (!row) continue; // swept between the two statements: claim again
      if (row.request_hash !== fingerprint) return { kind: 'mismatch' };
      if (row.response) return { kind: 'replay', response: JSON.parse(row.response) as FormattedExecutionResult };
      if (row.stale) {
        const [, taken] = await this.db.query(
          `UPDATE idempotency_keys SET created_at = now() WHERE principal = $1 AND key = $2 AND completed_at IS NULL
              AND created_at < now() - make_interval(secs => $3)`,
          [principal, key, STALE_CLAIM_SECONDS],
        );
        if (taken > 0) return { kind: 'claimed' };
      }
      if (Date.now() > deadline) return { kind: 'busy' };
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async complete(principal: string, key: string, response: FormattedExecutionResult): Promise<void> {
    await this.db.query(`UPDATE idempotency_keys SET response = $3, completed_at = now() WHERE principal = $1 AND key = $2`, [principal, key, JSON.stringify(response)]);
  }
}
