import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { Permission } from '../common/access/permission.js';
import { seesAllIncidents } from '../common/auth/principal.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { NotificationTopic, NotificationType } from '../common/notifications/outbox-sink.js';
import { selectEvents } from '../common/events/select-events.js';
import { listLoader, rowLoader } from '../common/loaders/row-loader.js';
import { decodeCursor, toConnection, type Connection } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { Tx } from '../database/transaction.service.js';
import { lockOpenIncident } from '../incidents/incident-locks.js';
import { incidentVisibleSql, type IncidentFacts } from '../incidents/incidents.access.js';
import { IncidentsService, likePattern } from '../incidents/incidents.service.js';
import type { ResourceRequest } from '../resources/models/resource-request.model.js';
import { ResourceRequestsService } from '../resources/resource-requests.service.js';
import type { User } from '../users/models/user.model.js';
import { UsersService } from '../users/users.service.js';
import type { FollowUpLogEntryInput, LogEntryFilter, WriteLogEntryInput } from './dto/staff-log.inputs.js';
import { ENTRY_COLUMNS, LogEntry, LogEntryUpdate, type LogEntryRow, type LogEntryUpdateRow } from './models/log-entry.model.js';
import { MEETING_COLUMNS, type MeetingRow } from './models/meeting.model.js';
import { LogEntryKind, LogEntryStatus, LogVisibility, MeetingStatus } from './models/staff-log.enums.js';
import { LOG_ENTRY_CHANGED, type LogEntryChangedEvent } from './staff-log-events.js';
import { readableEntrySql, type LogEntryFacts } from './staff-log.access.js';
import { FeatureKit } from '../database/feature-kit.js';

/** Kinds that ask something of someone: they have a responsible organisation, a due time, a status to follow. */
const TASK_KINDS = [LogEntryKind.NEED, LogEntryKind.QUESTION, LogEntryKind.ACTION];
/** The kind an entry's parent must have: a DECISION answers a QUESTION, an ACTION carries out a DECISION. */
const PARENT_KIND: Partial<Record<LogEntryKind, LogEntryKind>> = { [LogEntryKind.DECISION]: LogEntryKind.QUESTION, [LogEntryKind.ACTION]: LogEntryKind.DECISION };
/** The due key of an entry without a due time in myLogTasks' order: after every real one. */
const NO_DUE = '9999-12-31T23:59:59.000Z';

/**
 * The conditions of a LogEntryFilter on `e`, with their parameters added through `param`.
 * Overdue is judged by the statement's clock, as LogEntry.overdue is by the request's.
 */
export function filterSql(f: LogEntryFilter | undefined, param: (v: unknown) => string): string[] {
  if (!f) return [];
  const where: string[] = [];
  if (f.kind?.length) where.push(`e.kind = ANY(${param(f.kind)}::text[])`);
  if (f.status?.length) where.push(`e.status = ANY(${param(f.status)}::text[])`);
  if (f.organisationId) where.push(`e.organisation_id = ${param(f.organisationId.toLowerCase())}::uuid`);
  if (f.responsibleOrganisationId) where.push(`e.responsible_organisation_id = ${param(f.responsibleOrganisationId.toLowerCase())}::uuid`);
  if (f.dueBefore) where.push(`e.due_at < ${param(f.dueBefore)}::timestamptz`);
  if (f.overdue !== undefined && f.overdue !== null) {
    where.push(`${f.overdue ? '' : 'NOT '}COALESCE(e.due_at < now() AND e.status IN ('OPEN','IN_PROGRESS'), false)`);
  }
  if (f.changedSince) where.push(`e.changed_at >= ${param(f.changedSince)}::timestamptz`);
  if (f.search?.trim()) {
    const p = param(likePattern(f.search.trim()));
    where.push(`(e.title ILIKE ${p} OR e.text ILIKE ${p} OR e.responsible_person ILIKE ${p}
                 OR EXISTS (SELECT 1 FROM log_entry_updates su WHERE su.entry_id = e.id AND su.note ILIKE ${p}))`);
  }
  return where;
}

/**
 * The staff log (logglista) of an incident: entries numbered per incident, followed up by the
 * writing or the responsible organisation. Who reads an entry is decided by AccessService's
 * LogEntryRead rule (staff-log.access.ts) on every path; what the caller may not read is
 * NOT_FOUND, or absent from a list.
 */
/** SHA-256 of an entry's title and text as written; `npm run verify` recomputes it in SQL (invariant 7). */
export function logEntryContentDigest(title: string, text: string | null): string {
  return createHash('sha256').update(`${title}\n${text ?? ''}`).digest('hex');
}

@Injectable()
export class LogEntriesService {
  constructor(
    private readonly kit: FeatureKit,
    private readonly users: UsersService,
    private readonly requests: ResourceRequestsService,
    private readonly incidents: IncidentsService,
  ) {}

  // ------------------------------------------------------------------ reading

  /** `logEntry(id)`: NOT_FOUND alike for an entry that does not exist and one the caller may not read. */
  async findReadable(ctx: RequestContext, id: string): Promise<LogEntry> {
    const row = await this.kit.access.readChecked(ctx, Permission.LogEntryRead, id, () => this.loader(ctx).load(id.toLowerCase()));
    return LogEntry.fromRow(row);
  }

  /** The readable ones of these entries, in the order given (a parent, the entries of an agenda…). */
  async readable(ctx: RequestContext, ids: string[]): Promise<LogEntry[]> {
    const allowed = await this.kit.access.checkAccess(ctx, Permission.LogEntryRead, ids);
    const rows = await this.loader(ctx).loadMany(ids.filter((id) => allowed.has(id)));
    return rows.filter((r): r is LogEntryRow => !!r && !(r instanceof Error)).map(LogEntry.fromRow);
  }

  /** Primes the request's entry loader with rows an agenda's or a list's statement already read. */
  prime(ctx: RequestContext, rows: LogEntryRow[]): void {
    const loader = this.loader(ctx);
    for (const r of rows) loader.prime(r.id, r);
  }

  private loader(ctx: RequestContext) {
    return rowLoader<LogEntryRow>(ctx, this.kit.db, 'logEntry', `SELECT ${ENTRY_COLUMNS} FROM log_entries e WHERE e.id = ANY($1::uuid[])`);
  }

  /** LogEntry.parent: the entry this one follows from, when the caller may read it. */
  async parent(ctx: RequestContext, entry: LogEntry): Promise<LogEntry | null> {
    if (!entry.parentId) return null;
    const [parent] = await this.readable(ctx, [entry.parentId]);
    return parent ?? null;
  }

  /** LogEntry.children: the entries that follow from this one and that the caller may read, by number; one statement per request. */
  async children(ctx: RequestContext, entryId: string): Promise<LogEntry[]> {
    const p = ctx.who;
    const loader = listLoader<LogEntry, LogEntryRow>(
      ctx,
      'logEntryChildren',
      (ids) =>
        this.kit.db.query(
          `SELECT ${ENTRY_COLUMNS} FROM log_entries e
            WHERE e.parent_id = ANY($1::uuid[]) AND ${incidentVisibleSql('e.incident_id', '$2', '$3')} AND ${readableEntrySql('$2')}
            ORDER BY e.number`,
          [ids, p.organisationId, seesAllIncidents(p)],
        ),
      (r) => r.parent_id ?? '',
      LogEntry.fromRow,
    );
    return loader.load(entryId);
  }

  /** LogEntry.updates, oldest first; one statement per request. */
  async updates(ctx: RequestContext, entryId: string): Promise<LogEntryUpdate[]> {
    const loader = listLoader<LogEntryUpdate, LogEntryUpdateRow>(
      ctx,
      'logEntryUpdates',
      (ids) =>
        this.kit.db.query(
          `SELECT id, entry_id, organisation_id, author_user_id, note, status, created_at FROM log_entry_updates
            WHERE entry_id = ANY($1::uuid[]) ORDER BY created_at, id`,
          [ids],
        ),
      (r) => r.entry_id,
      LogEntryUpdate.fromRow,
    );
    return loader.load(entryId);
  }

  /** LogEntry.resourceRequest: the request that meets a NEED, when the caller may see it. */
  async resourceRequest(ctx: RequestContext, entry: LogEntry): Promise<ResourceRequest | null> {
    if (!entry.resourceRequestId) return null;
    const visible = await this.kit.access.checkAccess(ctx, Permission.RequestRead, [entry.resourceRequestId]);
    return visible.has(entry.resourceRequestId) ? this.requests.byId(ctx, entry.resourceRequestId) : null;
  }

  /** LogEntry.author and LogEntryUpdate.author: a user reached through an entry the caller may read. */
  user(ctx: RequestContext, userId: string | null): Promise<User | null> {
    return userId ? this.users.load(ctx, userId) : Promise.resolve(null);
  }

  /**
   * `Incident.log`: the entries of a visible incident that the caller may read, newest first,
   * filtered. Batched: one statement for every incident of a list asking with the same
   * arguments (a count and a LATERAL page per incident).
   */
  async forIncident(ctx: RequestContext, incidentId: string, filter: LogEntryFilter | undefined, first: number, after: string | undefined): Promise<Connection<LogEntry>> {
    const p = ctx.who;
    const cursor = decodeCursor(after, ['int']);
    const key = JSON.stringify([filter ?? null, first, cursor ?? null]);
    const loader = ctx.loader(
      `incidentLog:${key}`,
      () =>
        new DataLoader<string, Connection<LogEntry>>(async (ids) => {
          const params: unknown[] = [ids as string[], p.organisationId];
          const param = (v: unknown) => `$${params.push(v)}`;
          const where = [readableEntrySql('$2'), ...filterSql(filter, param)].join(' AND ');
          const before = cursor ? `AND e.number < ${param(Number(cursor[0]))}::int` : '';
          const limit = param(first + 1);
          const rows: (LogEntryRow & { parent_incident: string; total: number })[] = await this.kit.db.query(
            `SELECT i.id AS parent_incident, t.total, page.* FROM unnest($1::uuid[]) AS i(id)
               CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM log_entries e WHERE e.incident_id = i.id AND ${where}) t
               LEFT JOIN LATERAL (SELECT ${ENTRY_COLUMNS} FROM log_entries e WHERE e.incident_id = i.id AND ${where} ${before}
                                   ORDER BY e.number DESC LIMIT ${limit}) page ON true`,
            params,
          );
          return ids.map((id) => {
            const mine = rows.filter((r) => r.parent_incident === id);
            const page = mine.filter((r) => r.id);
            return toConnection(page, first, mine[0]?.total ?? 0, (r) => [r.number], LogEntry.fromRow);
          });
        }),
    );
    return loader.load(incidentId);
  }

  /**
   * `myLogTasks`: open NEED, QUESTION and ACTION entries that the caller's organisation answers
   * for, over every incident it may see; overdue first, then by due time (none last), then id.
   */
  async myTasks(ctx: RequestContext, first: number, after: string | undefined): Promise<Connection<LogEntry>> {
    const p = ctx.who;
    const cursor = decodeCursor(after, ['int', 'timestamp', 'uuid']);
    const base = `e.responsible_organisation_id = $1::uuid AND e.status IN ('OPEN','IN_PROGRESS') AND e.kind IN ('NEED','QUESTION','ACTION')
                  AND ${incidentVisibleSql('e.incident_id', '$1', '$2')}`;
    const order = `CASE WHEN e.due_at < now() THEN 0 ELSE 1 END`;
    const due = `COALESCE(e.due_at, '${NO_DUE}'::timestamptz)`;
    const [{ total }] = await this.kit.db.query(`SELECT count(*)::int AS total FROM log_entries e WHERE ${base}`, [p.organisationId, seesAllIncidents(p)]);
    const rows: (LogEntryRow & { o: number; due_key: string })[] = await this.kit.db.query(
      `SELECT ${ENTRY_COLUMNS}, ${order} AS o, to_char(${due} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due_key
         FROM log_entries e
        WHERE ${base} AND ($3::int IS NULL OR (${order}, ${due}, e.id) > ($3::int, $4::timestamptz, $5::uuid))
        ORDER BY ${order}, ${due}, e.id LIMIT $6`,
      [p.organisationId, seesAllIncidents(p), cursor ? Number(cursor[0]) : null, cursor ? String(cursor[1]) : null, cursor ? String(cursor[2]) : null, first + 1],
    );
    return toConnection(rows, first, total, (r) => [r.o, r.due_key, r.id], LogEntry.fromRow);
  }

  /**
   * For the overdue notices (notifications): open tasks with an owner whose due time passed
   * within the last `withinHours`, newest due first, at most `limit`. Unchecked: the notices are
   * checked against each recipient's access when they are sent.
   */
  async overdueTasks(withinHours: number, limit: number): Promise<{ id: string; incident_id: string; responsible_organisation_id: string; due_at: Date }[]> {
    return this.kit.db.query(
      `SELECT e.id, e.incident_id, e.responsible_organisation_id, e.due_at FROM log_entries e
        WHERE e.status IN ('OPEN','IN_PROGRESS') AND e.kind IN ('NEED','QUESTION','ACTION') AND e.responsible_organisation_id IS NOT NULL
          AND e.due_at <= now() AND e.due_at > now() - make_interval(hours => $1)
        ORDER BY e.due_at DESC LIMIT $2`,
      [withinHours, limit],
    );
  }

  /**
   * The id of the incident named by its UUID or its reference (DEMO-0001), if the caller may see
   * it; NOT_FOUND naming what was asked otherwise, alike for an incident that does not exist.
   */
  async visibleIncidentId(ctx: RequestContext, idOrReference: string, isId: boolean): Promise<string> {
    const id = isId ? idOrReference.toLowerCase() : await this.incidents.idByReference(idOrReference);
    if (!id || !(await this.kit.access.checkAccess(ctx, Permission.IncidentRead, [id])).has(id)) throw new NotFoundError('Incident', idOrReference);
    return id;
  }

  /** Every entry of the incident the caller may read, oldest first, with their follow-ups: the activity log (ICS-214). */
  async activityLog(ctx: RequestContext, incidentId: string): Promise<{ entries: LogEntry[]; updates: Map<string, LogEntryUpdate[]> }> {
    await this.kit.access.requireAccess(ctx, Permission.IncidentRead, incidentId);
    const rows: LogEntryRow[] = await this.kit.db.query(`SELECT ${ENTRY_COLUMNS} FROM log_entries e WHERE e.incident_id = $1 AND ${readableEntrySql('$2')} ORDER BY e.number`, [
      incidentId,
      ctx.who.organisationId,
    ]);
    const updates: LogEntryUpdateRow[] = await this.kit.db.query(
      `SELECT u.id, u.entry_id, u.organisation_id, u.author_user_id, u.note, u.status, u.created_at FROM log_entry_updates u
        WHERE u.entry_id = ANY($1::uuid[]) ORDER BY u.created_at, u.id`,
      [rows.map((r) => r.id)],
    );
    const byEntry = new Map<string, LogEntryUpdate[]>();
    for (const u of updates) byEntry.set(u.entry_id, [...(byEntry.get(u.entry_id) ?? []), LogEntryUpdate.fromRow(u)]);
    return { entries: rows.map(LogEntry.fromRow), updates: byEntry };
  }

  // ------------------------------------------------------------------ changing

  /**
   * Entry n+1 of the incident, for the caller's organisation. The incident is share-locked
   * first (every write in an incident locks it first: one lock order), then the incident's
   * counter row is taken by an upsert: concurrent writes queue on it and each gets the next
   * number; a rollback gives its number back (DESIGN.md, invariant 7).
   */
  async write(ctx: RequestContext, input: WriteLogEntryInput): Promise<LogEntry> {
    const incidentId = input.incidentId.toLowerCase();
    return this.incidents.inOpenIncident(ctx, incidentId, Permission.IncidentContribute, (tx, incident) =>
      this.writeIn(ctx, tx, incident, ctx.who.organisationId, { ...input, incidentId }),
    );
  }

  /**
   * The writing itself, inside the caller's transaction, for `organisationId` (the caller's own,
   * or a scenario's lead at activation), in an incident the caller has checked access to and
   * share-locked (`incident`: its participants then).
   */
  async writeIn(ctx: RequestContext, tx: Tx, incident: IncidentFacts, organisationId: string, input: WriteLogEntryInput): Promise<LogEntry> {
    const p = ctx.who;
    const incidentId = input.incidentId;
    const kind = input.kind;
    const task = TASK_KINDS.includes(kind);
    const recipients = [...new Set((input.recipientOrganisationIds ?? []).map((id) => id.toLowerCase()))].filter((id) => id !== organisationId);
    const responsible = input.responsibleOrganisationId?.toLowerCase() ?? null;
    if (input.visibility === LogVisibility.RESTRICTED && !recipients.length) {
      throw BadUserInputError.field('input.recipientOrganisationIds', 'input.recipientOrganisationIds must name at least one other participant for a RESTRICTED entry');
    }
    if (input.visibility !== LogVisibility.RESTRICTED && input.recipientOrganisationIds?.length) {
      throw BadUserInputError.field('input.recipientOrganisationIds', 'input.recipientOrganisationIds is only for RESTRICTED entries');
    }
    if (!task) {
      for (const f of ['responsibleOrganisationId', 'responsiblePerson', 'dueAt'] as const) {
        if (input[f] !== undefined && input[f] !== null) throw BadUserInputError.field(`input.${f}`, `input.${f} is only for NEED, QUESTION and ACTION entries`);
      }
    }
    if (input.visibility === LogVisibility.INTERNAL && responsible && responsible !== organisationId) {
      throw BadUserInputError.field('input.responsibleOrganisationId', 'input.responsibleOrganisationId of an INTERNAL entry can only be your own organisation, the only one that reads it');
    }
    if (input.resourceRequestId && kind !== LogEntryKind.NEED) {
      throw BadUserInputError.field('input.resourceRequestId', 'input.resourceRequestId is only for NEED entries');
    }
    if (input.parentId && !PARENT_KIND[kind]) {
      throw BadUserInputError.field('input.parentId', 'input.parentId is only for a DECISION (answering a QUESTION) or an ACTION (carrying out a DECISION)');
    }

    const outsiders = [...recipients, ...(responsible ? [responsible] : [])].filter((id) => !incident.participantOrganisationIds.includes(id));
    if (outsiders.length) {
      const field = responsible && outsiders.includes(responsible) ? 'input.responsibleOrganisationId' : 'input.recipientOrganisationIds';
      throw BadUserInputError.field(field, `${field} must take part in the incident: ${outsiders.join(', ')}`);
    }
    const parentId = input.parentId ? await this.checkParent(ctx, tx, input.parentId.toLowerCase(), incidentId, PARENT_KIND[kind]!) : null;
    const resourceRequestId = input.resourceRequestId ? await this.checkRequest(ctx, tx, input.resourceRequestId.toLowerCase(), incidentId) : null;
    const meetingId = await this.meetingOf(ctx, tx, incidentId, organisationId, input.meetingId?.toLowerCase());

    const [{ number }] = await tx.query<{ number: number }>(
      `INSERT INTO log_counters (incident_id, last_number) VALUES ($1, 1)
       ON CONFLICT (incident_id) DO UPDATE SET last_number = log_counters.last_number + 1 RETURNING last_number AS number`,
      [incidentId],
    );
    const status = task ? LogEntryStatus.OPEN : LogEntryStatus.DONE;
    const [{ id }] = await tx.query<{ id: string }>(
      `INSERT INTO log_entries (incident_id, number, kind, title, text, organisation_id, author_user_id, author_api_key_id, visibility, occurred_at,
                                initial_status, status, responsible_organisation_id, responsible_person, due_at, report_back, parent_id, resource_request_id, meeting_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE($10, clock_timestamp()), $11, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
      [
        incidentId,
        number,
        kind,
        input.title.trim(),
        blankToNull(input.text),
        organisationId,
        p.userId,
        p.apiKeyId,
        input.visibility,
        input.occurredAt ?? null,
        status,
        responsible,
        blankToNull(input.responsiblePerson),
        input.dueAt ?? null,
        blankToNull(input.reportBack),
        parentId,
        resourceRequestId,
        meetingId,
      ],
    );
    if (recipients.length) {
      await tx.query(`INSERT INTO log_entry_recipients (entry_id, incident_id, organisation_id) SELECT $1, $2, unnest($3::uuid[])`, [id, incidentId, recipients]);
    }
    const [row] = await tx.query<LogEntryRow>(`SELECT ${ENTRY_COLUMNS} FROM log_entries e WHERE e.id = $1`, [id]);
    tx.audit({
      action: 'logEntry.write',
      entityType: 'LogEntry',
      entityId: id,
      // The digest, not the text: the audit trail is read by more than the entry's readers (an
      // INTERNAL entry's text is its organisation's alone), yet `npm run verify` can tell a changed text.
      details: {
        incidentId,
        number,
        kind,
        visibility: input.visibility,
        recipientOrganisationIds: recipients,
        responsibleOrganisationId: responsible,
        parentId,
        resourceRequestId,
        meetingId,
        contentDigest: logEntryContentDigest(row.title, row.text),
      },
    });
    this.publishAfterCommit(tx, row, incident.participantOrganisationIds, TASK_KINDS.includes(row.kind) ? row.responsible_organisation_id : null);
    return LogEntry.fromRow(row);
  }

  /**
   * A follow-up: a note, and optionally a status, a new responsible organisation or person, a
   * new due time. By the writing or the responsible organisation (COORDINATOR for entries that
   * are not INTERNAL); the entry's follow-up state becomes what the follow-up set.
   */
  async followUp(ctx: RequestContext, input: FollowUpLogEntryInput): Promise<LogEntry> {
    const p = ctx.who;
    const entryId = input.entryId.toLowerCase();
    const responsible = input.responsibleOrganisationId?.toLowerCase() ?? null;
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.LogEntryFollowUp, entryId, tx.manager);
      const [{ incident_id: incidentId }] = await tx.query<{ incident_id: string }>(`SELECT incident_id FROM log_entries WHERE id = $1`, [entryId]);
      const incident = await lockOpenIncident(tx, incidentId);
      const [entry] = await tx.query<LogEntryRow>(`SELECT ${ENTRY_COLUMNS} FROM log_entries e WHERE e.id = $1 FOR UPDATE OF e`, [entryId]);
      const task = TASK_KINDS.includes(entry.kind);
      if (!task && (responsible || input.responsiblePerson || input.dueAt)) {
        throw BadUserInputError.field(responsible ? 'input.responsibleOrganisationId' : input.responsiblePerson ? 'input.responsiblePerson' : 'input.dueAt', 'Only NEED, QUESTION and ACTION entries have an owner and a due time');
      }
      if (responsible && !incident.participantOrganisationIds.includes(responsible)) {
        throw BadUserInputError.field('input.responsibleOrganisationId', `input.responsibleOrganisationId must take part in the incident: ${responsible}`);
      }
      if (responsible && entry.visibility === LogVisibility.INTERNAL && responsible !== entry.organisation_id) {
        throw BadUserInputError.field('input.responsibleOrganisationId', 'input.responsibleOrganisationId of an INTERNAL entry can only be its writer, the only one that reads it');
      }
      const [update] = await tx.query<{ id: string }>(
        `INSERT INTO log_entry_updates (entry_id, incident_id, organisation_id, author_user_id, author_api_key_id, note, status, responsible_organisation_id, responsible_person, due_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [entryId, incidentId, p.organisationId, p.userId, p.apiKeyId, input.note.trim(), input.status ?? null, responsible, blankToNull(input.responsiblePerson), input.dueAt ?? null],
      );
      await tx.query(
        `UPDATE log_entries SET status = COALESCE($2, status), responsible_organisation_id = COALESCE($3, responsible_organisation_id),
                responsible_person = COALESCE($4, responsible_person), due_at = COALESCE($5, due_at), changed_at = clock_timestamp()
          WHERE id = $1`,
        [entryId, input.status ?? null, responsible, blankToNull(input.responsiblePerson), input.dueAt ?? null],
      );
      const [row] = await tx.query<LogEntryRow>(`SELECT ${ENTRY_COLUMNS} FROM log_entries e WHERE e.id = $1`, [entryId]);
      tx.audit({
        action: 'logEntry.followUp',
        entityType: 'LogEntry',
        entityId: entryId,
        details: { incidentId, updateId: update.id, previousStatus: entry.status, status: row.status, responsibleOrganisationId: responsible, dueAt: input.dueAt ?? null },
      });
      this.publishAfterCommit(tx, row, incident.participantOrganisationIds, responsible && responsible !== entry.responsible_organisation_id ? responsible : null);
      return LogEntry.fromRow(row);
    });
  }

  /** The parent of a DECISION or an ACTION: readable by the caller (NOT_FOUND otherwise), of the kind it follows from, in the same incident. */
  private async checkParent(ctx: RequestContext, tx: Tx, parentId: string, incidentId: string, kind: LogEntryKind): Promise<string> {
    await this.kit.access.requireAccess(ctx, Permission.LogEntryRead, parentId, tx.manager);
    const [parent] = await tx.query<{ incident_id: string; kind: LogEntryKind }>(`SELECT incident_id, kind FROM log_entries WHERE id = $1`, [parentId]);
    if (parent.incident_id !== incidentId) throw BadUserInputError.field('input.parentId', 'input.parentId must be an entry of the same incident');
    if (parent.kind !== kind) throw BadUserInputError.field('input.parentId', `input.parentId must be a ${kind} entry`);
    return parentId;
  }

  /** The resource request that meets a NEED: visible to the caller (NOT_FOUND otherwise) and of the same incident. */
  private async checkRequest(ctx: RequestContext, tx: Tx, requestId: string, incidentId: string): Promise<string> {
    await this.kit.access.requireAccess(ctx, Permission.RequestRead, requestId, tx.manager);
    const request = await this.requests.byId(ctx, requestId);
    if (request.incidentId !== incidentId) throw BadUserInputError.field('input.resourceRequestId', 'input.resourceRequestId must be a request of the same incident');
    return requestId;
  }

  /**
   * The meeting an entry is written at: the one named, which the caller must see (NOT_FOUND
   * otherwise) and which must be in progress in the same incident; or, when none is named, the
   * meeting the caller's own organisation is holding in the incident right now, if any.
   */
  private async meetingOf(ctx: RequestContext, tx: Tx, incidentId: string, organisationId: string, meetingId: string | undefined): Promise<string | null> {
    if (!meetingId) {
      const [held] = await tx.query<{ id: string }>(
        `SELECT id FROM meetings WHERE incident_id = $1 AND organisation_id = $2 AND status = 'IN_PROGRESS' ORDER BY started_at DESC, id LIMIT 1`,
        [incidentId, organisationId],
      );
      return held?.id ?? null;
    }
    await this.kit.access.requireAccess(ctx, Permission.MeetingRead, meetingId, tx.manager);
    const [meeting] = await tx.query<MeetingRow>(`SELECT ${MEETING_COLUMNS} FROM meetings m WHERE m.id = $1 FOR SHARE OF m`, [meetingId]);
    if (meeting.incident_id !== incidentId) throw BadUserInputError.field('input.meetingId', 'input.meetingId must be a meeting of the same incident');
    if (meeting.status !== MeetingStatus.IN_PROGRESS) {
      throw new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, 'Entries are written at a meeting only while it is in progress');
    }
    return meetingId;
  }

  /** `assignedTo`: the organisation this write made responsible for the task (told about it by e-mail when it asked). */
  private publishAfterCommit(tx: Tx, row: LogEntryRow, participantOrganisationIds: readonly string[], assignedTo: string | null = null): void {
    const event: LogEntryChangedEvent = { entry: JSON.parse(JSON.stringify(row)), participantOrganisationIds: [...participantOrganisationIds] };
    tx.onCommit(() => this.kit.events.publish<LogEntryChangedEvent>(LOG_ENTRY_CHANGED, event));
    const addressed = assignedTo ? [{ topic: NotificationTopic.TASK_ASSIGNED, organisationIds: [assignedTo] }] as const : undefined;
    tx.notify({ type: NotificationType.LOG_ENTRY_CHANGED, incidentId: row.incident_id, subjectId: row.id, addressed });
  }

  // ------------------------------------------------------------------ subscriptions

  /**
   * `logEntryChanged(incidentId)`: each entry written or followed up that this subscriber could
   * read with `logEntry(id)`, decided from the event's facts by the same rule (LogEntryRead's
   * fromFacts); NOT_FOUND at subscribe time for an incident the subscriber may not see.
   */
  async changes(ctx: RequestContext, incidentId?: string) {
    const p = ctx.who;
    const wanted = incidentId?.toLowerCase();
    if (wanted) await this.kit.access.requireAccess(ctx, Permission.IncidentRead, wanted);
    const source = this.kit.events.asyncIterator<LogEntryChangedEvent>(LOG_ENTRY_CHANGED);
    return selectEvents(ctx, 'logEntryChanged', source, async (e) => {
      if (wanted && e.entry.incident_id !== wanted) return undefined;
      const facts: LogEntryFacts = {
        participantOrganisationIds: e.participantOrganisationIds,
        organisationId: e.entry.organisation_id,
        visibility: e.entry.visibility,
        recipientOrganisationIds: e.entry.recipient_ids,
        responsibleOrganisationId: e.entry.responsible_organisation_id,
      };
      return this.kit.access.allowsByFacts(p, Permission.LogEntryRead, facts) ? LogEntry.fromRow(e.entry) : undefined;
    });
  }
}

export function blankToNull(v: string | null | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}
