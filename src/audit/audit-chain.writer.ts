import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditSink, type AuditEventInput } from '../common/audit/audit-sink.js';
import type { RequestContext } from '../common/request/request-context.js';

export interface StoredAuditEvent {
  sequence: number;
  occurredAt: Date;
  action: string;
  entityType: string;
  entityId: string | null;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  actorOrganisationId: string | null;
  details: string | null;
  requestId: string | null;
  clientAddress: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);
const SECRET_KEY = /pass(word)?|secret|token|hash|api.?key/i;

/** Details never carry secrets, whatever a caller passes. */
export function sanitiseDetails(details: unknown): unknown {
  if (Array.isArray(details)) return details.map(sanitiseDetails);
  if (details && typeof details === 'object' && !(details instanceof Date)) {
    return Object.fromEntries(
      Object.entries(details)
        .filter(([k]) => !SECRET_KEY.test(k))
        .map(([k, v]) => [k, sanitiseDetails(v)]),
    );
  }
  return details;
}

/** The canonical content of an event: the exact bytes its hash covers. */
export function canonicalContent(e: StoredAuditEvent): string {
  return JSON.stringify([
    e.sequence,
    e.occurredAt.toISOString(),
    e.action,
    e.entityType,
    e.entityId,
    e.actorUserId,
    e.actorApiKeyId,
    e.actorOrganisationId,
    e.details,
    e.requestId,
    e.clientAddress,
  ]);
}

export function chainHash(prevHash: string, e: StoredAuditEvent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalContent(e)).digest('hex');
}

/** `canonicalContent` without its opening `[sequence,`: what follows the sequence number. */
export function contentAfterSequence(e: Omit<StoredAuditEvent, 'sequence'>): string {
  const full = canonicalContent({ ...e, sequence: 0 });
  return full.slice('[0,'.length);
}

/**
 * Appends events to the one hash chain in one statement. The head row is locked inside that
 * statement, which numbers the events, hashes them in the database (SHA-256 over the previous
 * hash, a newline and exactly the bytes of `canonicalContent`, so `chainHash` and the verifier
 * agree), inserts them and moves the head; the lock is then held only until COMMIT, with no round
 * trip to the application in between. The sequence has no gaps: a transaction that rolls back
 * releases the head without having moved it.
 */
@Injectable()
export class AuditChainWriter implements AuditSink {
  async append(m: EntityManager, ctx: RequestContext, inputs: AuditEventInput[]): Promise<void> {
    if (inputs.length === 0) return;
    const occurredAt = new Date();
    const p = ctx.principal;
    const rows = inputs.map((input) => ({
      occurredAt,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId ?? null,
      actorUserId: p?.userId ?? null,
      actorApiKeyId: p?.apiKeyId ?? null,
      actorOrganisationId: p?.organisationId ?? null,
      details: input.details ? JSON.stringify(sanitiseDetails(input.details)) : null,
      requestId: ctx.requestId || null,
      clientAddress: ctx.clientAddress,
    }));
    await m.query(
      `WITH RECURSIVE head AS (SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE),
       chain (i, sequence, prev_hash, hash) AS (
         SELECT 1, h.last_sequence + 1, h.last_hash::text,
                encode(sha256(convert_to(h.last_hash::text || E'\\n[' || (h.last_sequence + 1) || ',' || ($1::text[])[1], 'UTF8')), 'hex')
           FROM head h
         UNION ALL
         SELECT c.i + 1, c.sequence + 1, c.hash,
                encode(sha256(convert_to(c.hash || E'\\n[' || (c.sequence + 1) || ',' || ($1::text[])[c.i + 1], 'UTF8')), 'hex')
           FROM chain c WHERE c.i < cardinality($1::text[])
       ),
       ins AS (
         INSERT INTO audit_events (sequence, occurred_at, action, entity_type, entity_id, actor_user_id, actor_api_key_id,
                                   actor_organisation_id, details, request_id, client_address, prev_hash, hash)
         SELECT c.sequence, e.occurred_at, e.action, e.entity_type, e.entity_id, e.actor_user_id, e.actor_api_key_id,
                e.actor_organisation_id, e.details, e.request_id, e.client_address, c.prev_hash, c.hash
           FROM chain c
           JOIN unnest($2::timestamptz[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[], $8::uuid[], $9::text[], $10::text[], $11::text[])
                WITH ORDINALITY AS e (occurred_at, action, entity_type, entity_id, actor_user_id, actor_api_key_id,
                                      actor_organisation_id, details, request_id, client_address, i) ON e.i = c.i
       )
       UPDATE audit_chain_head SET last_sequence = last.sequence, last_hash = last.hash
         FROM (SELECT sequence, hash FROM chain ORDER BY i DESC LIMIT 1) last
        WHERE id = 1`,
      [
        rows.map((r) => contentAfterSequence(r)),
        rows.map((r) => r.occurredAt),
        rows.map((r) => r.action),
        rows.map((r) => r.entityType),
        rows.map((r) => r.entityId),
        rows.map((r) => r.actorUserId),
        rows.map((r) => r.actorApiKeyId),
        rows.map((r) => r.actorOrganisationId),
        rows.map((r) => r.details),
        rows.map((r) => r.requestId),
        rows.map((r) => r.clientAddress),
      ],
    );
  }
}
