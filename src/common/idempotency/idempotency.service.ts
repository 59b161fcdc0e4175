import { createHash } from 'node:crypto';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FormattedExecutionResult } from 'graphql';
import { DataSource, type EntityManager } from 'typeorm';

/** Keys are kept at least this long; a sweep removes older ones. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
/**
 * A claim commits with its mutation, and the response is stored right after the commit; a
 * claim still without a response this long after is one whose process died in between.
 */
const LOST_RESPONSE_SECONDS = 30;
const WAIT_FOR_FIRST_MS = 15000;
/** Seeds the 64-bit hash of principal and key that names its advisory lock. */
const ADVISORY_LOCK_SEED = 7345;

/**
 * The Idempotency-Key of one request, kept on its RequestContext. `pending`: not claimed yet
 * (TransactionService claims it in the first transaction the request runs); `claimed`: this
 * request's transaction committed the claim; `taken`: another request holds or held the key.
 */
export interface IdempotencyClaim {
  principal: string;
  key: string;
  fingerprint: string;
  state: 'pending' | 'claimed' | 'taken';
}

/** What answers a request whose key another request holds or held. */
export type IdempotencyOutcome =
  | { kind: 'replay'; response: FormattedExecutionResult }
  | { kind: 'mismatch' }
  | { kind: 'lost' }
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
 * principal and key. The key is claimed (a row) by the first statement of the request's first
 * transaction, so the claim commits or rolls back with the mutation: there is no moment at which
 * the mutation has committed and the key is free. A concurrent duplicate's claim finds the key
 * taken (its advisory lock, or its committed row), and its transaction rolls back before it wrote
 * anything; it then waits for the first response (if the first request's transaction rolls back
 * instead, it is told to retry). Later retries get that response back; the same key with another
 * request is refused. If the process dies between the commit and storing the response, a retry
 * is told so (CONFLICT) instead of carrying the mutation out again.
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

  /**
   * Claims the key inside the transaction of `manager`: false when another request has it. The
   * transaction-scoped advisory lock on the key keeps a concurrent duplicate from waiting on the
   * key's unique index with a pooled connection held (it finds the key taken at once and waits
   * for the response without one).
   */
  async claimIn(manager: EntityManager, claim: IdempotencyClaim): Promise<boolean> {
    const claimed: unknown[] = await manager.query(
      `INSERT INTO idempotency_keys (principal, key, request_hash)
       SELECT $1::text, $2::text, $3::text WHERE pg_try_advisory_xact_lock(hashtextextended($1::text || ' ' || $2::text, ${ADVISORY_LOCK_SEED}))
       ON CONFLICT DO NOTHING RETURNING key`,
      [claim.principal, claim.key, claim.fingerprint],
    );
    return claimed.length > 0;
  }

  /**
   * Stores the response of a request that ran: for a claimed key, on its row; for one that no
   * transaction claimed (a mutation refused before it wrote anything), as a new row, unless
   * another request took the key meanwhile (false).
   */
  async complete(claim: IdempotencyClaim, response: FormattedExecutionResult): Promise<boolean> {
    const text = JSON.stringify(response);
    if (claim.state === 'claimed') {
      await this.db.query(`UPDATE idempotency_keys SET response = $3, completed_at = now() WHERE principal = $1 AND key = $2`, [claim.principal, claim.key, text]);
      return true;
    }
    const stored: unknown[] = await this.db.query(
      `INSERT INTO idempotency_keys (principal, key, request_hash, response, completed_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT DO NOTHING RETURNING key`,
      [claim.principal, claim.key, claim.fingerprint, text],
    );
    return stored.length > 0;
  }

  /** Whether no transaction holds the key's advisory lock any more (tried, never waited for). */
  private async claimReleased(claim: IdempotencyClaim): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const [{ free }] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1::text || ' ' || $2::text, ${ADVISORY_LOCK_SEED})) AS free`, [
        claim.principal,
        claim.key,
      ]);
      return free as boolean;
    });
  }

  private async rowExists(claim: IdempotencyClaim): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM idempotency_keys WHERE principal = $1 AND key = $2`, [claim.principal, claim.key]);
    return rows.length > 0;
  }

  /** The answer for a request whose key another request holds or held: waits for its response. */
  async outcome(claim: IdempotencyClaim): Promise<IdempotencyOutcome> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const [row]: { request_hash: string; response: string | null; lost: boolean }[] = await this.db.query(
        `SELECT request_hash, response, created_at < now() - make_interval(secs => $3) AS lost FROM idempotency_keys WHERE principal = $1 AND key = $2`,
        [claim.principal, claim.key, LOST_RESPONSE_SECONDS],
      );
      // No row yet: the request holding the key may still be in its transaction (its claim is
      // not committed, only its advisory lock is held), or it rolled back. Wait while it holds
      // the lock; once it is free and there is still no row, nothing was carried out: retry.
      if (!row) {
        if ((await this.claimReleased(claim)) && !(await this.rowExists(claim))) return { kind: 'busy' };
        if (Date.now() > deadline) return { kind: 'busy' };
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (row.request_hash !== claim.fingerprint) return { kind: 'mismatch' };
      if (row.response) return { kind: 'replay', response: JSON.parse(row.response) as FormattedExecutionResult };
      if (row.lost) return { kind: 'lost' };
      if (Date.now() > deadline) return { kind: 'busy' };
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
