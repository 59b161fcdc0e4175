import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { listLoader } from '../common/loaders/row-loader.js';
import { Permission } from '../common/access/permission.js';
import { isAdmin, seesAllIncidents } from '../common/auth/principal.js';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { PerEvent } from '../common/events/per-event.js';
import { decodeCursor, toConnection, type Connection } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { User } from '../users/models/user.model.js';
import { UsersService } from '../users/users.service.js';
import type { SituationReportsArgs, SubmitSituationReportInput } from './dto/situation-report.inputs.js';
import { selectEvents } from '../common/events/select-events.js';
import { NotificationTopic, NotificationType } from '../common/notifications/outbox-sink.js';
import { SITUATION_REPORT_SUBMITTED, type SituationReportSubmittedEvent } from './incident-events.js';
import { incidentVisibleSql } from './incidents.access.js';
import { ReportVisibility } from './models/incident.enums.js';
import { ReportAcknowledgement, REPORT_COLUMNS, SituationReport, type SituationReportRow } from './models/situation-report.model.js';
import { ADDRESSEES_SQL, readableReportSql, type ReportFacts } from './situation-reports.access.js';
import { FeatureKit } from '../database/feature-kit.js';


/** SituationReport.acknowledgements' element, oldest first. */
export function acknowledgement(organisationId: string, acknowledgedByUserId: string | null, acknowledgedAt: Date): ReportAcknowledgement {
  return Object.assign(new ReportAcknowledgement(), { organisationId, acknowledgedByUserId, acknowledgedAt });
}


interface AckRow {
  report_id: string;
  organisation_id: string;
  acknowledged_by_user_id: string | null;
  acknowledged_at: Date;
}

@Injectable()
export class SituationReportsService {
  constructor(
    private readonly kit: FeatureKit,
    private readonly users: UsersService,
  ) {}

  // ------------------------------------------------------------------ reading

  /**
   * `situationReport(id)`: NOT_FOUND unless the caller sees the incident and may read the
   * report (ALL_PARTICIPANTS, own, or a recipient; ADMIN all), whether it exists or not.
   */
  async findReadable(ctx: RequestContext, id: string): Promise<SituationReport> {
    return this.kit.access.readChecked(ctx, Permission.ReportRead, id, () => this.load(ctx, id));
  }

  /** A report by id, unchecked: for callers that check (findReadable, supersedes). Batched per request. */
  load(ctx: RequestContext, id: string): Promise<SituationReport | null> {
    const loader = ctx.loader(
      'situationReport',
      () =>
        new DataLoader<string, SituationReport | null>(async (ids) => {
          const rows: SituationReportRow[] = await this.kit.db.query(`SELECT ${REPORT_COLUMNS} FROM situation_reports r WHERE r.id = ANY($1::uuid[])`, [ids as string[]]);
          const byId = new Map(rows.map((r) => [r.id, SituationReport.fromRow(r)]));
          return ids.map((rid) => byId.get(rid) ?? null);
        }),
    );
    return loader.load(id);
  }

  /** SituationReport.supersedes: the previous version, when the caller may read it too. */
  async supersedes(ctx: RequestContext, report: SituationReport): Promise<SituationReport | null> {
    if (!report.supersedesId) return null;
    const readable = await this.kit.access.checkAccess(ctx, Permission.ReportRead, [report.supersedesId]);
    return readable.has(report.supersedesId) ? this.load(ctx, report.supersedesId) : null;
  }

  /**
   * Incident.situationReports: the reports of the incident that the caller may read, newest
   * first, optionally of one organisation. Batched: one statement for every incident of a list
   * that asks with the same arguments (a LATERAL page per incident).
   */
  async forIncident(ctx: RequestContext, incidentId: string, args: SituationReportsArgs): Promise<Connection<SituationReport>> {
    const p = ctx.who;
    const cursor = decodeCursor(args.after, ['timestamp', 'uuid']);
    const organisationId = args.organisationId?.toLowerCase() ?? null;
    const key = JSON.stringify([organisationId, args.first, cursor ?? null]);
    const loader = ctx.loader(
      `incidentSituationReports:${key}`,
      () =>
        new DataLoader<string, Connection<SituationReport>>(async (ids) => {
          const readable = readableReportSql('$2', '$3');
          const rows: (SituationReportRow & { parent_id: string; total: number; submitted_key: string | null })[] = await this.kit.db.query(
            `SELECT i.id AS parent_id, t.total, page.* FROM unnest($1::uuid[]) AS i(id)
               CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM situation_reports r
                                    WHERE r.incident_id = i.id AND ($4::uuid IS NULL OR r.organisation_id = $4) AND ${readable}) t
               LEFT JOIN LATERAL (SELECT ${REPORT_COLUMNS}, r.submitted_at::text AS submitted_key FROM situation_reports r
                                   WHERE r.incident_id = i.id AND ($4::uuid IS NULL OR r.organisation_id = $4) AND ${readable}
                                     AND ($5::timestamptz IS NULL OR (r.submitted_at, r.id) < ($5::timestamptz, $6::uuid))
                                   ORDER BY r.submitted_at DESC, r.id DESC LIMIT $7) page ON true`,
            [ids as string[], p.organisationId, isAdmin(p), organisationId, cursor ? String(cursor[0]) : null, cursor ? String(cursor[1]) : null, args.first + 1],
          );
          const byIncident = new Map<string, { total: number; rows: (SituationReportRow & { submitted_key: string })[] }>();
          for (const r of rows) {
            const entry = byIncident.get(r.parent_id) ?? { total: r.total, rows: [] };
            if (r.id) entry.rows.push(r as SituationReportRow & { submitted_key: string });
            byIncident.set(r.parent_id, entry);
          }
          return ids.map((id) => {
            const entry = byIncident.get(id) ?? { total: 0, rows: [] };
            return toConnection(entry.rows, args.first, entry.total, (r) => [r.submitted_key, r.id], SituationReport.fromRow);
          });
        }),
    );
    return loader.load(incidentId);
  }

  /** SituationReport.author and ReportAcknowledgement.acknowledgedBy: a user reached through a report the caller may read. */
  async user(ctx: RequestContext, userId: string | null): Promise<User | null> {
    return userId ? this.users.load(ctx, userId) : null;
  }

  /** SituationReport.acknowledgements, oldest first. */
  acknowledgements(ctx: RequestContext, reportId: string): Promise<ReportAcknowledgement[]> {
    return this.acknowledgementsLoader(ctx).load(reportId);
  }

  private acknowledgementsLoader(ctx: RequestContext) {
    return listLoader<ReportAcknowledgement, AckRow>(
      ctx,
      'reportAcknowledgements',
      (ids) =>
        this.kit.db.query(
          `SELECT report_id, organisation_id, acknowledged_by_user_id, acknowledged_at FROM situation_report_acknowledgements
            WHERE report_id = ANY($1::uuid[]) ORDER BY acknowledged_at, organisation_id`,
          [ids],
        ),
      (r) => r.report_id,
      (r) => acknowledgement(r.organisation_id, r.acknowledged_by_user_id, r.acknowledged_at),
    );
  }

  /**
   * For a statement that already selected a report's acknowledgements (the operational
   * picture): the field resolvers of the same request find them cached.
   */
  primeAcknowledgements(ctx: RequestContext, reportId: string, acknowledgements: ReportAcknowledgement[]): void {
    this.acknowledgementsLoader(ctx).prime(reportId, acknowledgements);
  }

  /** SituationReport.pendingAcknowledgements: the organisations addressed that have not acknowledged. */
  pendingAcknowledgements(ctx: RequestContext, reportId: string): Promise<string[]> {
    const loader = ctx.loader(
      'reportPendingAcknowledgements',
      () =>
        new DataLoader<string, string[]>(async (ids) => {
          const rows: { report_id: string; organisation_id: string }[] = await this.kit.db.query(
            `SELECT r.id AS report_id, t.organisation_id FROM situation_reports r
               CROSS JOIN LATERAL (${ADDRESSEES_SQL}) t
              WHERE r.id = ANY($1::uuid[])
                AND NOT EXISTS (SELECT 1 FROM situation_report_acknowledgements a WHERE a.report_id = r.id AND a.organisation_id = t.organisation_id)
              ORDER BY r.id, t.organisation_id`,
            [ids as string[]],
          );
          return ids.map((id) => rows.filter((r) => r.report_id === id).map((r) => r.organisation_id));
        }),
    );
    return loader.load(reportId);
  }

  // ------------------------------------------------------------------ changing

  /**
   * Version n+1 for (incident, own organisation). The participant row's counter is
   * incremented first: concurrent submits of one organisation queue on that row lock and each
   * gets the next number; a rollback gives the number back, so versions have no gaps.
   */
  async submit(ctx: RequestContext, input: SubmitSituationReportInput): Promise<SituationReport> {
    const p = ctx.who;
    const incidentId = input.incidentId.toLowerCase();
    const recipients = [...new Set((input.recipientOrganisationIds ?? []).map((id) => id.toLowerCase()))].filter((id) => id !== p.organisationId);
    if (input.visibility === ReportVisibility.RESTRICTED && recipients.length === 0) {
      throw BadUserInputError.field('input.recipientOrganisationIds', 'input.recipientOrganisationIds must name at least one other participant for a RESTRICTED report');
    }
    if (input.visibility === ReportVisibility.ALL_PARTICIPANTS && input.recipientOrganisationIds?.length) {
      throw BadUserInputError.field('input.recipientOrganisationIds', 'input.recipientOrganisationIds is only for RESTRICTED reports');
    }

    return this.kit.tx.run(ctx, async (tx) => {
      // One statement: the access check with a share lock on the incident (it stays open until
      // commit, and nobody joins meanwhile), then the participant's version counter, only when
      // the incident is open. The counter's row lock orders one organisation's concurrent
      // submits, and the next statement's snapshot, taken after that lock is granted, sees the
      // version before (the insert in this statement would not). The participants travel with
      // the event, so subscribers filter on them without a statement.
      // IncidentContribute's rule (incidents.access.ts) is decided by this statement itself:
      // submitting is the hub's hottest write, and the rule, the lock and the counter in one
      // round trip is what keeps its p99 down (docs/BENCHMARKS.md, scenario 2).
      const [counter] = await tx.query<{ status: string; visible: boolean; version: number | null; participants: string[] }>(
        `WITH inc AS (SELECT i.id, i.status, ${incidentVisibleSql('i.id', '$2', '$3')} AS visible FROM incidents i WHERE i.id = $1 FOR SHARE OF i),
         ctr AS (UPDATE incident_participants SET report_versions = report_versions + 1
                  WHERE incident_id = $1 AND organisation_id = $2 AND (SELECT status FROM inc) <> 'CLOSED'
                  RETURNING report_versions AS version)
         SELECT inc.status, inc.visible, (SELECT version FROM ctr) AS version,
                ARRAY(SELECT organisation_id FROM incident_participants WHERE incident_id = $1) AS participants
           FROM inc`,
        [incidentId, p.organisationId, seesAllIncidents(p)],
      );
      // NOT_FOUND when not visible, CONFLICT when closed, FORBIDDEN when visible but not taking part.
      if (!counter?.visible) throw new NotFoundError('Incident', incidentId);
      if (counter.status === 'CLOSED') throw new ConflictError(ConflictReason.INCIDENT_CLOSED, 'The incident is closed; nothing can be added to it');
      if (counter.version === null) throw new ForbiddenError('Only an organisation taking part in the incident may report in it');
      // The report, returned as the services select it; it is the latest by construction.
      const [row] = await tx.query<SituationReportRow>(
        `WITH r AS (
           INSERT INTO situation_reports (incident_id, organisation_id, author_user_id, author_api_key_id, version, supersedes_id,
                                          operational_status, situation, consequences, actions_taken, planned_actions, needs, forecast,
                                          public_information, visibility, next_report_due_at)
           VALUES ($1, $2, $3, $4, $5,
                   (SELECT id FROM situation_reports WHERE incident_id = $1 AND organisation_id = $2 AND version = $5 - 1),
                   $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           RETURNING *
         )
         SELECT ${REPORT_COLUMNS} FROM r`,
        [
          incidentId,
          p.organisationId,
          p.userId,
          p.apiKeyId,
          counter.version,
          input.operationalStatus,
          input.situation,
          input.consequences ?? null,
          input.actionsTaken ?? null,
          input.plannedActions ?? null,
          input.needs ?? null,
          input.forecast ?? null,
          input.publicInformation ?? null,
          input.visibility,
          input.nextReportDueAt ?? null,
        ],
      );
      const id = row.id;
      if (recipients.length) {
        const found: { organisation_id: string }[] = await tx.query(
          `SELECT organisation_id FROM incident_participants WHERE incident_id = $1 AND organisation_id = ANY($2::uuid[])`,
          [incidentId, recipients],
        );
        const participating = new Set(found.map((r) => r.organisation_id));
        const outsiders = recipients.filter((rid) => !participating.has(rid));
        if (outsiders.length) {
          throw BadUserInputError.field('input.recipientOrganisationIds', `input.recipientOrganisationIds must take part in the incident: ${outsiders.join(', ')}`);
        }
        await tx.query(`INSERT INTO situation_report_recipients (report_id, incident_id, organisation_id) SELECT $1, $2, unnest($3::uuid[])`, [id, incidentId, recipients]);
        // As REPORT_COLUMNS orders them (uuid order is the order of their lower-case text).
        row.recipient_ids = [...recipients].sort();
      }
      tx.audit({
        action: 'situationReport.submit',
        entityType: 'SituationReport',
        entityId: id,
        details: { incidentId, version: row.version, operationalStatus: row.operational_status, visibility: row.visibility, recipientOrganisationIds: recipients },
      });
      const event: SituationReportSubmittedEvent = { reportId: id, incidentId, report: toJson(row), participantOrganisationIds: counter.participants };
      tx.onCommit(() => this.kit.events.publish<SituationReportSubmittedEvent>(SITUATION_REPORT_SUBMITTED, event));
      // A RESTRICTED report is addressed to its recipients: their people may ask to be e-mailed about it.
      const addressed = row.visibility === ReportVisibility.RESTRICTED ? [{ topic: NotificationTopic.RESTRICTED_REPORT, organisationIds: recipients }] as const : undefined;
      tx.notify({ type: NotificationType.SITUATION_REPORT_SUBMITTED, incidentId, subjectId: id, addressed });
      return SituationReport.fromRow(row);
    });
  }

  /**
   * LIAISON_OFFICER and up of an organisation the report is addressed to (not its author).
   * Acknowledging again changes nothing and answers the report as it is.
   */
  async acknowledge(ctx: RequestContext, id: string): Promise<SituationReport> {
    const p = ctx.who;
    const report = await this.findReadable(ctx, id);
    await this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.ReportAcknowledge, id, tx.manager);
      // Share-locked, so that the incident cannot close while the acknowledgement is written.
      const [open] = await tx.query(`SELECT 1 FROM incidents WHERE id = $1 AND status <> 'CLOSED' FOR SHARE`, [report.incidentId]);
      if (!open) throw new ConflictError(ConflictReason.INCIDENT_CLOSED, 'The incident is closed; nothing can be added to it');
      const inserted = await tx.query(
        `INSERT INTO situation_report_acknowledgements (report_id, organisation_id, acknowledged_by_user_id, acknowledged_by_api_key_id)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING report_id`,
        [id, p.organisationId, p.userId, p.apiKeyId],
      );
      if (inserted.length) tx.audit({ action: 'situationReport.acknowledge', entityType: 'SituationReport', entityId: id, details: { incidentId: report.incidentId } });
    });
    return report;
  }

  // ------------------------------------------------------------------ subscriptions

  /**
   * The facts of one submitted event, once for all its subscribers in this process: the
   * report and the incident's participants as the publisher committed them, or (an event of
   * an older publisher) as read now, in one statement.
   */
  private readonly submittedFacts = new PerEvent<SituationReportSubmittedEvent, SubmittedFacts | null>(async (e) => {
    if (e.report && e.participantOrganisationIds) {
      return { report: reportFromJson(e.report), participants: e.participantOrganisationIds };
    }
    const [row]: (SituationReportRow & { participant_ids: string[] })[] = await this.kit.db.query(
      `SELECT ${REPORT_COLUMNS}, ARRAY(SELECT ip.organisation_id FROM incident_participants ip WHERE ip.incident_id = r.incident_id) AS participant_ids
         FROM situation_reports r WHERE r.id = $1`,
      [e.reportId],
    );
    return row ? { report: SituationReport.fromRow(row), participants: row.participant_ids } : null;
  });

  /**
   * `situationReportSubmitted`: every new report that this subscriber could read with
   * `situationReport(id)`: the same rule (report.read), decided from the event's shared facts
   * without a statement per subscriber;
   * one incident when incidentId is given, which must then be visible (NOT_FOUND otherwise, at
   * subscribe time).
   */
  async submitted(ctx: RequestContext, incidentId?: string) {
    if (incidentId) await this.kit.access.requireAccess(ctx, Permission.IncidentRead, incidentId);
    const p = ctx.who;
    const source = this.kit.events.asyncIterator<SituationReportSubmittedEvent>(SITUATION_REPORT_SUBMITTED);
    return selectEvents(ctx, 'situationReportSubmitted', source, async (e) => {
      if (incidentId && e.incidentId !== incidentId) return undefined;
      const facts = await this.submittedFacts.get(e);
      if (!facts) return undefined;
      const report = facts.report;
      const readable: ReportFacts = {
        participantOrganisationIds: facts.participants,
        organisationId: report.organisationId,
        visibility: report.visibility,
        recipientOrganisationIds: report.recipientOrganisationIds,
      };
      if (!this.kit.access.allowsByFacts(p, Permission.ReportRead, readable)) return undefined;
      return facts.report;
    });
  }
}

interface SubmittedFacts {
  report: SituationReport;
  participants: string[];
}

/** Dates as ISO strings, the same in-process as through Redis. */
function toJson<T>(row: T): T {
  return JSON.parse(JSON.stringify(row)) as T;
}

/** A report row as it came through the EventBus, with its dates as Dates again. */
function reportFromJson(row: SituationReportRow): SituationReport {
  const report = SituationReport.fromRow(row);
  report.submittedAt = new Date(report.submittedAt);
  if (report.nextReportDueAt) report.nextReportDueAt = new Date(report.nextReportDueAt);
  return report;
}
