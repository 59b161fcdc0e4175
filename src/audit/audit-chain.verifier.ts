/** A DataSource, or an EntityManager inside a transaction. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}
import { chainHash, GENESIS_HASH, type StoredAuditEvent } from './audit-chain.writer.js';
import type { AuditChainVerification, AuditEventRow } from './models/audit-event.model.js';

const BATCH = 5000;

/** A stored row as the content its hash covers. */
export function storedEvent(r: AuditEventRow): StoredAuditEvent {
  return {
    sequence: Number(r.sequence),
    occurredAt: r.occurred_at,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    actorUserId: r.actor_user_id,
    actorApiKeyId: r.actor_api_key_id,
    actorOrganisationId: r.actor_organisation_id,
    details: r.details,
    requestId: r.request_id,
    clientAddress: r.client_address,
  };
}

/**
 * Recomputes the hash chain in batches: sequences 1, 2, 3… without gaps, each event's
 * `prev_hash` the previous event's hash, each hash the SHA-256 over both. The head row must
 * agree with the last event. Used by `verifyAuditChain` and by `npm run verify`.
 */
export async function verifyAuditChain(db: Queryable): Promise<AuditChainVerification> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows: AuditEventRow[] = await db.query(`SELECT * FROM audit_events WHERE sequence >= $1 ORDER BY sequence LIMIT $2`, [expectedSeq, BATCH]);
    for (const r of rows) {
      const seq = Number(r.sequence);
      const recomputed = chainHash(prev, storedEvent(r));
      if (seq !== expectedSeq || r.prev_hash !== prev || r.hash !== recomputed) {
        return { valid: false, checkedEvents: checked, firstInvalidSequence: expectedSeq };
      }
      prev = r.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < BATCH) break;
  }
  const [head] = await db.query(`SELECT last_sequence::int AS seq, last_hash AS hash FROM audit_chain_head WHERE id = 1`);
  if (head.seq !== checked || head.hash !== prev) return { valid: false, checkedEvents: checked, firstInvalidSequence: checked + 1 };
  return { valid: true, checkedEvents: checked, firstInvalidSequence: null };
}
