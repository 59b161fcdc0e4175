import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StampedCache, stampsOf, stampsSql, type PictureStamps } from '../common/cache/picture-stamps.js';
import { isAdmin, seesAllIncidents } from '../common/auth/principal.js';
import { NotFoundError } from '../common/errors/domain-errors.js';
import type { RequestContext } from '../common/request/request-context.js';
import { presetFields } from '../common/graphql-fields/preset-fields.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Organisation } from '../organisations/models/organisation.model.js';
import { orgColumnsAs, OrganisationsService } from '../organisations/organisations.service.js';
import { User, type UserRow } from '../users/models/user.model.js';
import { incidentVisibleSql } from './incidents.access.js';
import { IncidentsService, participant } from './incidents.service.js';
import { OperationalStatus } from './models/incident.enums.js';
import { Incident, INCIDENT_COLUMNS, type IncidentRow } from './models/incident.model.js';
import { OperationalPicture, ParticipantStatus } from './models/operational-picture.model.js';
import { REPORT_COLUMNS, type ReportAcknowledgement, SituationReport, type SituationReportRow } from './models/situation-report.model.js';
import { readableReportSql } from './situation-reports.access.js';
import { acknowledgement, SituationReportsService } from './situation-reports.service.js';

const STATUS_ORDER = [OperationalStatus.NORMAL, OperationalStatus.STRAINED, OperationalStatus.SEVERELY_STRAINED, OperationalStatus.CRITICAL];

const INCIDENT_FIELDS = INCIDENT_COLUMNS.split(',').map((c) => c.trim());
const USER_FIELDS = ['id', 'organisation_id', 'email', 'display_name', 'role', 'active', 'created_at'] as const;

type PictureRow = Partial<SituationReportRow> & {
  participant_id: string | null;
  participant_lead: boolean;
  participant_joined_at: Date;
  incident_stamp: string | null;
  directory_stamp: string | null;
  ack_org_ids: string[] | null;
  ack_user_ids: (string | null)[] | null;
  ack_at: Date[] | null;
  [prefixed: `inc_${string}` | `org_${string}` | `author_${string}`]: unknown;
};

function unprefixed<T>(row: Record<string, unknown>, prefix: string, fields: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = row[prefix + f];
  return out as T;
}

/**
 * The common operational picture in one statement, whatever the number of participants: the
 * incident row with the caller's access check (no row: NOT_FOUND), one row per participant
 * with its organisation and its newest report that the viewer may read (a LATERAL per
 * participant), that report's author and acknowledgements. What it read is put into the
 * request's loaders (incident, participants, organisations, users, acknowledgements), so that
 * the picture's field resolvers send no statement of their own for it.
 *
 * The rows are cached per incident and viewer (organisation, admin flag) with the change stamps
 * they were read under (`src/common/cache/picture-stamps.ts`). With an entry, the request first
 * reads the access check and the current stamps in one small statement; while they are the
 * entry's stamps, the cached rows are exactly what the picture's statement would read now, so
 * the cache never serves a picture older than the database, on any replica. Otherwise (no
 * entry, or a change since) the picture's statement runs and reads the stamps with the rows.
 * `reportOverdue`, which changes with time alone, is computed per request. The picture carries
 * its stamps, with which the open requests and active links are cached the same way.
 */
@Injectable()
export class OperationalPictureService {
  private readonly cache: StampedCache<PictureRow>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly incidents: IncidentsService,
    private readonly reports: SituationReportsService,
    private readonly organisations: OrganisationsService,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    this.cache = new StampedCache(config.pictureCache.rows);
  }

  async picture(ctx: RequestContext, incidentId: string): Promise<OperationalPicture> {
    const p = ctx.who;
    const key = `${incidentId}/${p.organisationId}/${isAdmin(p)}`;
    const cachedStamps = this.cache.stampsOf(key);
    if (cachedStamps) {
      // The access check and the current stamps: while they are the cached rows' stamps, those
      // rows are what the picture's statement would read now.
      const [head]: { incident_stamp: string | null; directory_stamp: string | null }[] = await this.db.query(
        `SELECT ${stampsSql('$1')} FROM incidents i WHERE i.id = $1 AND ${incidentVisibleSql('i.id', '$2', '$3')}`,
        [incidentId, p.organisationId, seesAllIncidents(p)],
      );
      if (!head) throw new NotFoundError('Incident', incidentId);
      const stamps = stampsOf(head);
      const rows = this.cache.get(key, stamps);
      this.metrics.recordPictureCache(rows !== undefined);
      if (rows) return this.build(ctx, incidentId, rows, stamps);
    } else {
      this.metrics.recordPictureCache(false);
    }
    const rows: PictureRow[] = await this.db.query(
      `SELECT ${stampsSql('i.id')},
              ${INCIDENT_FIELDS.map((c) => `i.${c} AS inc_${c}`).join(', ')},
              ip.organisation_id AS participant_id, ip.lead AS participant_lead, ip.joined_at AS participant_joined_at,
              ${orgColumnsAs('o', 'org_')}, lr.*,
              ${USER_FIELDS.map((c) => `u.${c} AS author_${c}`).join(', ')},
              ak.ack_org_ids, ak.ack_user_ids, ak.ack_at
         FROM incidents i
         LEFT JOIN incident_participants ip ON ip.incident_id = i.id
         LEFT JOIN organisations o ON o.id = ip.organisation_id
         LEFT JOIN LATERAL (
           SELECT ${REPORT_COLUMNS} FROM situation_reports r
            WHERE r.incident_id = ip.incident_id AND r.organisation_id = ip.organisation_id AND ${readableReportSql('$2', '$3')}
            ORDER BY r.version DESC LIMIT 1) lr ON true
         LEFT JOIN users u ON u.id = lr.author_user_id
         LEFT JOIN LATERAL (
           SELECT array_agg(a.organisation_id ORDER BY a.acknowledged_at, a.organisation_id) AS ack_org_ids,
                  array_agg(a.acknowledged_by_user_id ORDER BY a.acknowledged_at, a.organisation_id) AS ack_user_ids,
                  array_agg(a.acknowledged_at ORDER BY a.acknowledged_at, a.organisation_id) AS ack_at
             FROM situation_report_acknowledgements a WHERE a.report_id = lr.id) ak ON lr.id IS NOT NULL
        WHERE i.id = $1
          AND ${incidentVisibleSql('i.id', '$2', '$4')}
        ORDER BY ip.lead DESC, ip.joined_at, ip.organisation_id`,
      [incidentId, p.organisationId, isAdmin(p), seesAllIncidents(p)],
    );
    if (!rows.length) throw new NotFoundError('Incident', incidentId);
    const stamps = stampsOf(rows[0]);
    return this.build(ctx, incidentId, this.cache.set(key, stamps, rows), stamps);
  }

  /** The picture for this request, from its rows (fresh or cached: they are only read). */
  private build(ctx: RequestContext, incidentId: string, rows: readonly PictureRow[], stamps: PictureStamps): OperationalPicture {
    const now = Date.now();
    const incidentRow = unprefixed<IncidentRow>(rows[0], 'inc_', INCIDENT_FIELDS);
    const incident = Incident.fromRow(incidentRow);
    const participants: ParticipantStatus[] = [];
    const incidentParticipants = [];
    const counts = new Map<OperationalStatus, number>(STATUS_ORDER.map((s) => [s, 0]));
    let notReportedCount = 0;
    const organisations = new Map<string, Organisation>();
    const reports: { report: SituationReport; author: User | null; acknowledgements: ReportAcknowledgement[] }[] = [];
    for (const r of rows) {
      if (!r.participant_id) continue;
      const organisation = this.organisations.primeFromRow(ctx, r, 'org_');
      organisations.set(organisation.id, organisation);
      incidentParticipants.push(participant(incidentId, r.participant_id, r.participant_lead, r.participant_joined_at, organisation));
      let latestReport: SituationReport | null = null;
      if (r.id) {
        latestReport = SituationReport.fromRow(r as SituationReportRow);
        const authorRow = r.author_id ? unprefixed<UserRow>(r, 'author_', USER_FIELDS) : null;
        const author = authorRow && User.fromRow(authorRow);
        const ackOrgs = r.ack_org_ids ?? [];
        const acknowledgements = ackOrgs.map((org, k) => acknowledgement(org, r.ack_user_ids![k] ?? null, r.ack_at![k]));
        this.reports.prime(ctx, latestReport.id, authorRow, acknowledgements);
        reports.push({ report: latestReport, author, acknowledgements });
        counts.set(latestReport.operationalStatus, (counts.get(latestReport.operationalStatus) ?? 0) + 1);
      } else {
        notReportedCount++;
      }
      participants.push(
        Object.assign(new ParticipantStatus(), {
          organisationId: r.participant_id,
          organisation,
          latestReport,
          operationalStatus: latestReport?.operationalStatus ?? null,
          // Not cached: it turns true with time alone.
          reportOverdue: r.latest === true && r.next_report_due_at != null && r.next_report_due_at.getTime() < now,
        }),
      );
    }
    this.incidents.prime(ctx, incidentRow, incidentParticipants);
    // The lines' reports answer author, acknowledgements and (when every one is a participant,
    // as submit requires) recipients from what this statement read: no field resolver per line.
    for (const { report, author, acknowledgements } of reports) {
      for (const ack of acknowledgements) {
        const organisation = organisations.get(ack.organisationId);
        if (organisation) presetFields(ack, { organisation });
      }
      const recipients = report.recipientOrganisationIds.map((id) => organisations.get(id));
      presetFields(report, recipients.every((o) => o !== undefined) ? { author, acknowledgements, recipients } : { author, acknowledgements });
    }

    return Object.assign(new OperationalPicture(), {
      incidentId,
      stamps,
      incident,
      generatedAt: new Date(),
      participants,
      statusCounts: STATUS_ORDER.map((status) => ({ status, count: counts.get(status) ?? 0 })),
      notReportedCount,
    });
  }
}
