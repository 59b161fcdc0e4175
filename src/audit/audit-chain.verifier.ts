/** A DataSource, or an EntityManager inside a transaction. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}
import { chainHash, GENESIS_HASH } from './audit-chain.writer.js';
import { storedEvent, type AuditChainVerification, type AuditEventRow } from './models/audit-event.model.js';

const BATCH = 5000;

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
