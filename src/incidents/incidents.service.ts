import { Injectable } from '@nestjs/common';
import { Permission } from '../common/access/permission.js';
import { seesAllIncidents } from '../common/auth/principal.js';
import type { Tx } from '../database/transaction.service.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { NotificationType } from '../common/notifications/outbox-sink.js';
import { PerEvent } from '../common/events/per-event.js';
import { listLoader, rowLoader } from '../common/loaders/row-loader.js';
import { decodeCursor, toConnection, type Connection } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import type { CreateIncidentInput, UpdateIncidentInput } from './dto/incident.inputs.js';
import type { IncidentsArgs } from './dto/incidents.args.js';
import { incidentVisibleSql } from './incidents.access.js';
import { selectEvents } from '../common/events/select-events.js';
import { INCIDENT_CHANGED, type IncidentChangedEvent } from './incident-events.js';
import { IncidentStatus } from './models/incident.enums.js';
import { Incident, INCIDENT_COLUMNS, IncidentParticipant, type IncidentRow } from './models/incident.model.js';
import type { Organisation } from '../organisations/models/organisation.model.js';
import { FeatureKit } from '../database/feature-kit.js';
import { lockOpenIncident, type LockedIncident } from './incident-locks.js';

/** What createIn needs: createIncident's input, and who leads (the caller's organisation, or a scenario's lead). */
export type NewIncident = Omit<CreateIncidentInput, 'participantOrganisationIds'> & {
  leadOrganisationId: string;
  /** When given, the lead must be an active organisation too, reported on this field (a scenario's lead may have been deactivated since). */
  leadField?: string;
  participantOrganisationIds: string[];
  /** The scenario version the incident is started from, if any. */
  scenarioVersionId?: string;
};

interface ParticipantRow {
  incident_id: string;
  organisation_id: string;
  lead: boolean;
  joined_at: Date;
}

/** `%`, `_` and `\` match themselves in a free-text search. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `2026-0042`: the year and a per-year number, at least four digits. */
export function formatReference(year: number, n: number): string {
  return `${year}-${String(n).padStart(4, '0')}`;
}

@Injectable()
export class IncidentsService {
  constructor(
    private readonly kit: FeatureKit,
    private readonly organisations: OrganisationsService,
  ) {}

  // ------------------------------------------------------------------ reading

  /** `incident(id)`: NOT_FOUND for an incident the caller may not see, exactly as for one that does not exist. */
  async findVisible(ctx: RequestContext, id: string): Promise<Incident> {
    await this.kit.access.requireAccess(ctx, Permission.IncidentRead, id);
    return this.load(ctx, id);
  }

  /**
   * A write that adds to an open incident, in one transaction: `permission` on the incident
   * (IncidentContribute, or IncidentUpdate for what only the lead or a coordinator does), the
   * incident share-locked and refused when closed (lockOpenIncident), then `write` with its
   * status and participants.
   */
  inOpenIncident<T>(ctx: RequestContext, incidentId: string, permission: Permission, write: (tx: Tx, incident: LockedIncident) => Promise<T>): Promise<T> {
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, permission, incidentId, tx.manager);
      return write(tx, await lockOpenIncident(tx, incidentId));
    });
  }

  /** An incident by id, unchecked: for field resolvers whose parent the caller already sees (report.incident, picture.incident). Batched. */
  async load(ctx: RequestContext, id: string): Promise<Incident> {
    const row = await this.rowLoader(ctx).load(id);
    if (!row) throw new NotFoundError('Incident', id);
    return Incident.fromRow(row);
  }

  private rowLoader(ctx: RequestContext) {
    return rowLoader<IncidentRow>(ctx, this.kit.db, 'incident', `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ANY($1::uuid[])`);
  }

  /**
   * Incident.participants, lead first then by joining time: one query for every incident of a
   * list, with each participant's organisation (set on the participant, and put into the
   * request's organisation loader).
   */
  async participants(ctx: RequestContext, incidentId: string): Promise<IncidentParticipant[]> {
    return this.participantsLoader(ctx).load(incidentId);
  }

  private participantsLoader(ctx: RequestContext) {
    return listLoader<IncidentParticipant>(
      ctx,
      'incidentParticipants',
      async (ids) => {
        const rows: ParticipantRow[] = await this.kit.db.query(
          `SELECT ip.incident_id, ip.organisation_id, ip.lead, ip.joined_at FROM incident_participants ip
            WHERE ip.incident_id = ANY($1::uuid[]) ORDER BY ip.incident_id, ip.lead DESC, ip.joined_at, ip.organisation_id`,
          [ids],
        );
        // The organisations through their own feature: one batch for all participants of the list.
        const organisations = await Promise.all(rows.map((r) => this.organisations.require(ctx, r.organisation_id)));
        return rows.map((r, i) => participant(r.incident_id, r.organisation_id, r.lead, r.joined_at, organisations[i]));
      },
      (p) => p.incidentId,
    );
  }

  /**
   * For OperationalPictureService, which read the incident row and its participants (with
   * their organisations) in its own statement: later field resolvers of the same request
   * (`picture.incident`, `incident.participants`, a report's `incident`) find them cached.
   */
  prime(ctx: RequestContext, row: IncidentRow, participants: IncidentParticipant[]): void {
    this.rowLoader(ctx).prime(row.id, row);
    this.participantsLoader(ctx).prime(row.id, participants);
  }

  /**
   * `incidents`: what the caller may see (ADMIN, COORDINATOR: all; others: where their
   * organisation takes part), filtered, newest first by (created_at, id). The cursor holds
   * created_at as PostgreSQL's own text so that no microsecond is lost on the way.
   */
  async list(ctx: RequestContext, args: IncidentsArgs): Promise<Connection<Incident>> {
    const p = ctx.who;
    const f = args.filter ?? {};
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    const where: string[] = [];
    if (!seesAllIncidents(p)) where.push(incidentVisibleSql('i.id', param(p.organisationId), 'false'));
    if (f.status?.length) where.push(`i.status = ANY(${param(f.status)}::text[])`);
    if (f.category?.length) where.push(`i.category = ANY(${param(f.category)}::text[])`);
    if (f.exercise !== undefined && f.exercise !== null) where.push(`i.exercise = ${param(f.exercise)}`);
    if (f.participantOrganisationId) {
      where.push(`EXISTS (SELECT 1 FROM incident_participants fp WHERE fp.incident_id = i.id AND fp.organisation_id = ${param(f.participantOrganisationId)}::uuid)`);
    }
    if (f.search?.trim()) {
      const pattern = param(likePattern(f.search.trim()));
      where.push(`(i.title ILIKE ${pattern} OR i.description ILIKE ${pattern} OR i.reference ILIKE ${pattern} OR i.location_name ILIKE ${pattern})`);
    }
    const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.kit.db.query(`SELECT count(*)::int AS total FROM incidents i ${filtered}`, params);

    const cursor = decodeCursor(args.after, ['timestamp', 'uuid']);
    const pageWhere = [...where];
    if (cursor) pageWhere.push(`(i.created_at, i.id) < (${param(String(cursor[0]))}::timestamptz, ${param(String(cursor[1]))}::uuid)`);
    const rows: (IncidentRow & { created_key: string })[] = await this.kit.db.query(
      `SELECT ${INCIDENT_COLUMNS}, i.created_at::text AS created_key
         FROM incidents i ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''}
        ORDER BY i.created_at DESC, i.id DESC LIMIT ${param(args.first + 1)}`,
      params,
    );
    return toConnection(rows, args.first, total, (r) => [r.created_key, r.id], Incident.fromRow);
  }

  // ------------------------------------------------------------------ changing

  /** LIAISON_OFFICER and up (the guard); the caller's organisation leads, the invited join. */
  async create(ctx: RequestContext, input: CreateIncidentInput): Promise<Incident> {
    const p = ctx.who;
    return this.kit.tx.run(ctx, (tx) =>
      this.createIn(tx, { ...input, leadOrganisationId: p.organisationId, participantOrganisationIds: input.participantOrganisationIds ?? [] }, 'input.participantOrganisationIds'),
    );
  }

  /**
   * The creation itself, inside the caller's transaction (createIncident's, or a scenario's
   * activation, which adds what lives in the incident in the same transaction): the reference,
   * the incident, the lead and the invited as participants, the audit event and, after commit,
   * incidentChanged (which tells every participant). `participantsField` names the field an
   * unknown or inactive invited organisation is reported on.
   */
  async createIn(tx: Tx, input: NewIncident, participantsField: string): Promise<Incident> {
    const lead = input.leadOrganisationId;
    const invited = [...new Set(input.participantOrganisationIds.map((id) => id.toLowerCase()))].filter((id) => id !== lead);
    if (input.leadField) await this.requireActiveOrganisations(tx, [lead], input.leadField);
    if (invited.length) await this.requireActiveOrganisations(tx, invited, participantsField);
    // One row per year, incremented under its row lock: concurrent creations queue for that
    // moment only, and a rolled-back creation gives its number back.
    const [counter] = await tx.query<{ year: number; n: number }>(
      `INSERT INTO incident_reference_counters (year, last_number)
       VALUES (extract(year FROM now() AT TIME ZONE 'Europe/Stockholm')::int, 1)
       ON CONFLICT (year) DO UPDATE SET last_number = incident_reference_counters.last_number + 1
       RETURNING year, last_number AS n`,
    );
    const reference = formatReference(counter.year, counter.n);
    const [row] = await tx.query<IncidentRow>(
      `INSERT INTO incidents (reference, title, description, category, exercise, latitude, longitude, location_name, lead_organisation_id, started_at, scenario_version_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE($10, now()), $11) RETURNING ${INCIDENT_COLUMNS}`,
      [
        reference,
        input.title.trim(),
        input.description,
        input.category,
        input.exercise ?? false,
        input.location?.latitude ?? null,
        input.location?.longitude ?? null,
        input.locationName ?? null,
        lead,
        input.startedAt ?? null,
        input.scenarioVersionId ?? null,
      ],
    );
    await tx.query(
      `INSERT INTO incident_participants (incident_id, organisation_id, lead, joined_at)
       SELECT $1, o, o = $2, $3 FROM unnest($4::uuid[]) AS o`,
      [row.id, lead, row.created_at, [lead, ...invited]],
    );
    tx.audit({
      action: 'incident.create',
      entityType: 'Incident',
      entityId: row.id,
      details: {
        reference,
        title: row.title,
        category: row.category,
        exercise: row.exercise,
        participantOrganisationIds: invited,
        ...(input.scenarioVersionId ? { leadOrganisationId: lead, scenarioVersionId: input.scenarioVersionId } : {}),
      },
    });
    this.publishChanged(tx, row.id);
    return Incident.fromRow(row);
  }

  /** COORDINATOR, or a LIAISON_OFFICER of the lead organisation; nothing changes in a CLOSED incident. */
  async update(ctx: RequestContext, id: string, input: UpdateIncidentInput): Promise<Incident> {
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.IncidentUpdate, id, tx.manager);
      const closing = input.status === IncidentStatus.CLOSED;
      const [row] = await tx.query<IncidentRow>(
        `UPDATE incidents SET title = COALESCE($2, title), description = COALESCE($3, description), category = COALESCE($4, category),
                status = COALESCE($5, status), latitude = COALESCE($6, latitude), longitude = COALESCE($7, longitude),
                location_name = COALESCE($8, location_name), closed_at = CASE WHEN $9 THEN now() ELSE closed_at END, updated_at = now()
          WHERE id = $1 AND status <> 'CLOSED' RETURNING ${INCIDENT_COLUMNS}`,
        [
          id,
          input.title?.trim() ?? null,
          input.description ?? null,
          input.category ?? null,
          input.status ?? null,
          input.location?.latitude ?? null,
          input.location?.longitude ?? null,
          input.locationName ?? null,
          closing,
        ],
      );
      if (!row) throw closedError();
      tx.audit({ action: closing ? 'incident.close' : 'incident.update', entityType: 'Incident', entityId: id, details: { ...input } });
      this.publishChanged(tx, id);
      return Incident.fromRow(row);
    });
  }

  /** COORDINATOR, or a LIAISON_OFFICER of a participant; the organisation must be active and not yet take part. */
  async addParticipant(ctx: RequestContext, incidentId: string, organisationId: string): Promise<Incident> {
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.IncidentAddParticipant, incidentId, tx.manager);
      // The update locks the incident row, so it cannot be closed meanwhile (and a concurrent close wins cleanly).
      const [row] = await tx.query<IncidentRow>(
        `UPDATE incidents SET updated_at = now() WHERE id = $1 AND status <> 'CLOSED' RETURNING ${INCIDENT_COLUMNS}`,
        [incidentId],
      );
      if (!row) throw closedError();
      const organisation = await this.organisations.findById(ctx, organisationId);
      if (!organisation) throw new NotFoundError('Organisation', organisationId);
      if (!organisation.active) throw BadUserInputError.field('organisationId', 'organisationId is an inactive organisation');
      const inserted = await tx.query(
        `INSERT INTO incident_participants (incident_id, organisation_id, lead) VALUES ($1, $2, false) ON CONFLICT DO NOTHING RETURNING organisation_id`,
        [incidentId, organisationId],
      );
      if (!inserted.length) throw new ConflictError(ConflictReason.DUPLICATE, 'The organisation already takes part in the incident');
      tx.audit({ action: 'incident.addParticipant', entityType: 'Incident', entityId: incidentId, details: { organisationId } });
      this.publishChanged(tx, incidentId);
      return Incident.fromRow(row);
    });
  }

  private async requireActiveOrganisations(tx: Tx, ids: string[], field: string): Promise<void> {
    const found: { id: string }[] = await tx.query(`SELECT id FROM organisations WHERE id = ANY($1::uuid[]) AND active`, [ids]);
    const known = new Set(found.map((r) => r.id));
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length) throw BadUserInputError.field(field, `${field} names unknown or inactive organisations: ${missing.join(', ')}`);
  }

  /** The id of the incident with this reference (any letter case), unchecked; null when there is none. */
  async idByReference(reference: string): Promise<string | null> {
    const [row] = await this.kit.db.query(`SELECT id FROM incidents WHERE reference IN ($1::text, upper($1::text)) LIMIT 1`, [reference]);
    return row?.id ?? null;
  }

  /** The organisations taking part in an incident as committed now: the facts of a subscription event that does not carry them. */
  async participantOrganisationIds(incidentId: string): Promise<string[]> {
    const rows: { organisation_id: string }[] = await this.kit.db.query(`SELECT organisation_id FROM incident_participants WHERE incident_id = $1`, [incidentId]);
    return rows.map((r) => r.organisation_id);
  }

  private publishChanged(tx: Tx, incidentId: string): void {
    tx.onCommit(() => this.kit.events.publish<IncidentChangedEvent>(INCIDENT_CHANGED, { incidentId }));
    tx.notify({ type: NotificationType.INCIDENT_CHANGED, incidentId, subjectId: incidentId });
  }

  // ------------------------------------------------------------------ subscriptions

  /**
   * The incident and its participants as committed when the event arrives, read once per event
   * for every subscriber in this process (one statement).
   */
  private readonly changedFacts = new PerEvent<IncidentChangedEvent, { incident: Incident; participants: string[] } | null>(async (e) => {
    const [row]: (IncidentRow & { participant_ids: string[] })[] = await this.kit.db.query(
      `SELECT ${INCIDENT_COLUMNS}, ARRAY(SELECT ip.organisation_id FROM incident_participants ip WHERE ip.incident_id = incidents.id) AS participant_ids
         FROM incidents WHERE id = $1`,
      [e.incidentId],
    );
    return row ? { incident: Incident.fromRow(row), participants: row.participant_ids } : null;
  });

  /**
   * `incidentChanged`: each change, read as `incident(id)` would read it for this subscriber
   * (AccessService's rule, decided from the event's shared facts); the others are dropped.
   */
  changes(ctx: RequestContext) {
    const p = ctx.who;
    return selectEvents(ctx, 'incidentChanged', this.kit.events.asyncIterator<IncidentChangedEvent>(INCIDENT_CHANGED), async (e) => {
      const facts = await this.changedFacts.get(e);
      return facts && this.kit.access.allowsByFacts(p, Permission.IncidentRead, { participantOrganisationIds: facts.participants }) ? facts.incident : undefined;
    });
  }
}

export function participant(incidentId: string, organisationId: string, lead: boolean, joinedAt: Date, organisation: Organisation): IncidentParticipant {
  return Object.assign(new IncidentParticipant(), { incidentId, organisationId, lead, joinedAt, organisation });
}

function closedError(): ConflictError {
  return new ConflictError(ConflictReason.INCIDENT_CLOSED, 'The incident is closed; nothing in it can change');
}
