import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../common/request/request-context.js';

export interface AuditEventInput {
  action: string;
  entityType: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

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

/**
 * Appends events to the one hash chain. The head row is locked by the last statements of the
 * transaction, so concurrent writers queue only for that short moment, and the sequence has no
 * gaps: a transaction that rolls back releases the head without having moved it.
 */
@Injectable()
export class AuditChainWriter {
  async append(m: EntityManager, ctx: RequestContext, inputs: AuditEventInput[]): Promise<void> {
    if (inputs.length === 0) return;
    const [head] = await m.query(`SELECT last_sequence::int AS seq, last_hash AS hash FROM audit_chain_head WHERE id = 1 FOR UPDATE`);
    let prev: string = head.hash;
    let seq: number = head.seq;
    const occurredAt = new Date();
    const p = ctx.principal;
    const rows = inputs.map((input) => {
      const e: StoredAuditEvent = {
        sequence: ++seq,
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
      };
      const hash = chainHash(prev, e);
      const row = { ...e, prevHash: prev, hash };
      prev = hash;
      return row;
    });
    await m.query(
      `WITH ins AS (
         INSERT INTO audit_events (sequence, occurred_at, action, entity_type, entity_id, actor_user_id, actor_api_key_id,
                                   actor_organisation_id, details, request_id, client_address, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[],
                              $8::uuid[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
       )
       UPDATE audit_chain_head SET last_sequence = $14, last_hash = $15 WHERE id = 1`,
      [
        rows.map((r) => r.sequence),
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
        rows.map((r) => r.prevHash),
        rows.map((r) => r.hash),
        seq,
        prev,
      ],
    );
  }
}
