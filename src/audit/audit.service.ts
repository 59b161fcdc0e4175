import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isAdmin } from '../common/auth/principal.js';
import { decodeCursor, toConnection, type Connection, type ConnectionArgs } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import { chainHash, GENESIS_HASH } from './audit-chain.writer.js';
import { AuditEvent, type AuditChainVerification, type AuditEventFilter, type AuditEventRow } from './models/audit-event.model.js';

const BATCH = 5000;

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** ADMIN: every event; others: the events of their own organisation. Oldest first. */
  async list(ctx: RequestContext, filter: AuditEventFilter | undefined, args: ConnectionArgs): Promise<Connection<AuditEvent>> {
    const p = ctx.who;
    const f = filter ?? {};
    const orgScope = isAdmin(p) ? (f.actorOrganisationId ?? null) : p.organisationId;
    if (!isAdmin(p) && f.actorOrganisationId && f.actorOrganisationId !== p.organisationId) {
      return toConnection([], args.first, 0, () => [], (r: AuditEventRow) => AuditEvent.fromRow(r));
    }
    const where = `($1::uuid IS NULL OR actor_organisation_id = $1) AND ($2::text IS NULL OR entity_type = $2)
      AND ($3::uuid IS NULL OR entity_id = $3) AND ($4::timestamptz IS NULL OR occurred_at >= $4) AND ($5::timestamptz IS NULL OR occurred_at < $5)`;
    const params = [orgScope, f.entityType ?? null, f.entityId ?? null, f.since ?? null, f.until ?? null];
    const cursor = decodeCursor(args.after, 1);
    const [{ total }] = await this.db.query(`SELECT count(*)::int AS total FROM audit_events WHERE ${where}`, params);
    const rows: AuditEventRow[] = await this.db.query(
      `SELECT * FROM audit_events WHERE ${where} AND sequence > $6 ORDER BY sequence LIMIT $7`,
      [...params, cursor ? Number(cursor[0]) : 0, args.first + 1],
    );
    return toConnection(rows, args.first, total, (r) => [Number(r.sequence)], AuditEvent.fromRow);
  }

  /** Recomputes the whole chain in batches; names the first event that does not match. */
  async verify(): Promise<AuditChainVerification> {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const rows: AuditEventRow[] = await this.db.query(`SELECT * FROM audit_events WHERE sequence >= $1 ORDER BY sequence LIMIT $2`, [expectedSeq, BATCH]);
      for (const r of rows) {
        const seq = Number(r.sequence);
        const recomputed = chainHash(prev, {
          sequence: seq,
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
        });
        if (seq !== expectedSeq || r.prev_hash !== prev || r.hash !== recomputed) {
          return { valid: false, checkedEvents: checked, firstInvalidSequence: expectedSeq };
        }
        prev = r.hash;
        expectedSeq++;
        checked++;
      }
      if (rows.length < BATCH) break;
    }
    const [head] = await this.db.query(`SELECT last_sequence::int AS seq, last_hash AS hash FROM audit_chain_head WHERE id = 1`);
    if (head.seq !== checked || head.hash !== prev) return { valid: false, checkedEvents: checked, firstInvalidSequence: checked + 1 };
    return { valid: true, checkedEvents: checked, firstInvalidSequence: null };
  }
}
