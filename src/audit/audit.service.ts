import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isAdmin } from '../common/auth/principal.js';
import { decodeCursor, toConnection, type Connection, type ConnectionArgs } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import { verifyAuditChain } from './audit-chain.verifier.js';
import { AuditEvent, type AuditChainVerification, type AuditEventFilter, type AuditEventRow } from './models/audit-event.model.js';

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
    const cursor = decodeCursor(args.after, ['int']);
    const [{ total }] = await this.db.query(`SELECT count(*)::int AS total FROM audit_events WHERE ${where}`, params);
    const rows: AuditEventRow[] = await this.db.query(
      `SELECT * FROM audit_events WHERE ${where} AND sequence > $6 ORDER BY sequence LIMIT $7`,
      [...params, cursor ? Number(cursor[0]) : 0, args.first + 1],
    );
    return toConnection(rows, args.first, total, (r) => [Number(r.sequence)], AuditEvent.fromRow);
  }

  /** Recomputes the whole chain; names the first event that does not match. */
  verify(): Promise<AuditChainVerification> {
    return verifyAuditChain(this.db);
  }
}
