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
import { OrganisationsService } from '../organisations/organisations.service.js';
import { UsersService } from '../users/users.service.js';
import { incidentVisibleSql } from './incidents.access.js';
import { IncidentsService, participant } from './incidents.service.js';
import { OperationalStatus } from './models/incident.enums.js';
import { Incident, INCIDENT_COLUMNS, type IncidentRow } from './models/incident.model.js';
import { OperationalPicture, ParticipantStatus } from './models/operational-picture.model.js';
import { REPORT_COLUMNS, SituationReport, type SituationReportRow } from './models/situation-report.model.js';
import { readableReportSql } from './situation-reports.access.js';
import { acknowledgement, SituationReportsService } from './situation-reports.service.js';

const STATUS_ORDER = [OperationalStatus.NORMAL, OperationalStatus.STRAINED, OperationalStatus.SEVERELY_STRAINED, OperationalStatus.CRITICAL];

/** One participant's line as the picture's statement builds it in JSON (dates made Date once, before it is kept). */
interface PictureLine {
  organisationId: string;
  lead: boolean;
  joinedAt: Date;
  /** The newest report the viewer may read (REPORT_COLUMNS), or null. */
  report: SituationReportRow | null;
  /** Its acknowledgements, oldest first. */
  acks: { organisationId: string; userId: string | null; at: Date }[] | null;
}

/** What the picture's statement reads: the incident row and its lines, in the incident's own feature only. */
interface PictureRead {
  incident: IncidentRow;
  lines: PictureLine[];
}

/**
 * The common operational picture in one statement, whatever the number of participants: the
 * incident row with the caller's access check (no row: NOT_FOUND) and, as one JSON array built
 * by PostgreSQL, one line per participant with its newest report that the viewer may read (a
 * LATERAL per participant) and that report's acknowledgements. JSON is one `JSON.parse` of a
 * column instead of a row of forty typed columns per participant. The lines' organisations and
 * authors come from their own features (`atDirectoryStamp`: kept under the directory stamp this
 * statement reads, so read only after a change of the directory). What it read is put into the
 * request's loaders (incident, participants, organisations, users, acknowledgements), so that
 * the picture's field resolvers send no statement of their own for it.
 *
 * The read is cached per incident and viewer (organisation, admin flag) with the change stamps
 * it was read under (`src/common/cache/picture-stamps.ts`). With an entry, the request first
 * reads the access check and the current stamps in one small statement; while they are the
 * entry's stamps, the cached read is exactly what the picture's statement would read now, so
 * the cache never serves a picture older than the database, on any replica. Otherwise (no
 * entry, or a change since) the picture's statement runs and reads the stamps with the rows.
 * `reportOverdue`, which changes with time alone, is computed per request. The picture carries
 * its stamps, with which the open requests and active links are cached the same way.
 */
@Injectable()
export class OperationalPictureService {
  private readonly cache: StampedCache<PictureRead>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly incidents: IncidentsService,
    private readonly reports: SituationReportsService,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    // Bounded by lines (one per participant), as the rows of one statement per line were before.
    this.cache = new StampedCache(config.pictureCache.rows, ([read]) => read.lines.length);
  }

  async picture(ctx: RequestContext, incidentId: string): Promise<OperationalPicture> {
    const p = ctx.who;
    const key = `${incidentId}/${p.organisationId}/${isAdmin(p)}`;
    const cachedStamps = this.cache.stampsOf(key);
    if (cachedStamps) {
      // The access check and the current stamps: while they are the cached read's stamps, it
      // is what the picture's statement would read now.
      const [head]: { incident_stamp: string | null; directory_stamp: string | null }[] = await this.db.query(
        `SELECT ${stampsSql('$1')} FROM incidents i WHERE i.id = $1 AND ${incidentVisibleSql('i.id', '$2', '$3')}`,
        [incidentId, p.organisationId, seesAllIncidents(p)],
      );
      if (!head) throw new NotFoundError('Incident', incidentId);
      const stamps = stampsOf(head);
      const cached = this.cache.get(key, stamps);
      this.metrics.recordPictureCache(cached !== undefined);
      if (cached) return this.build(ctx, incidentId, cached[0], stamps);
    } else {
      this.metrics.recordPictureCache(false);
    }
    const [row]: (IncidentRow & { incident_stamp: string | null; directory_stamp: string | null; lines: unknown[] })[] = await this.db.query(
      `SELECT ${stampsSql('i.id')},
              ${INCIDENT_COLUMNS.split(',').map((c) => `i.${c.trim()}`).join(', ')},
              (SELECT COALESCE(json_agg(json_build_object(
                        'organisationId', ip.organisation_id, 'lead', ip.lead, 'joinedAt', ip.joined_at,
                        'report', CASE WHEN lr.id IS NULL THEN NULL ELSE to_json(lr) END, 'acks', ak.acks)
                        ORDER BY ip.lead DESC, ip.joined_at, ip.organisation_id), '[]')
                 FROM incident_participants ip
                 LEFT JOIN LATERAL (
                   SELECT ${REPORT_COLUMNS} FROM situation_reports r
                    WHERE r.incident_id = ip.incident_id AND r.organisation_id = ip.organisation_id AND ${readableReportSql('$2', '$3')}
                    ORDER BY r.version DESC LIMIT 1) lr ON true
                 LEFT JOIN LATERAL (
                   SELECT json_agg(json_build_object('organisationId', a.organisation_id, 'userId', a.acknowledged_by_user_id, 'at', a.acknowledged_at)
                                   ORDER BY a.acknowledged_at, a.organisation_id) AS acks
                     FROM situation_report_acknowledgements a WHERE a.report_id = lr.id) ak ON lr.id IS NOT NULL
                WHERE ip.incident_id = i.id) AS lines
         FROM incidents i
        WHERE i.id = $1 AND ${incidentVisibleSql('i.id', '$2', '$4')}`,
      [incidentId, p.organisationId, isAdmin(p), seesAllIncidents(p)],
    );
    if (!row) throw new NotFoundError('Incident', incidentId);
    const { incident_stamp, directory_stamp, lines, ...incident } = row;
    const stamps = stampsOf({ incident_stamp, directory_stamp });
    const [read] = this.cache.set(key, stamps, [{ incident, lines: lines.map(withDates) }]);
    return this.build(ctx, incidentId, read, stamps);
  }

  /** The picture for this request, from its read (fresh or cached: it is only read). */
  private async build(ctx: RequestContext, incidentId: string, read: PictureRead, stamps: PictureStamps): Promise<OperationalPicture> {
    const authorIds = read.lines.flatMap((l) => (l.report?.author_user_id ? [l.report.author_user_id] : []));
    const [organisations, authors] = await Promise.all([
      this.organisations.atDirectoryStamp(ctx, read.lines.map((l) => l.organisationId), stamps.directory),
      this.users.atDirectoryStamp(ctx, authorIds, stamps.directory),
    ]);
    const now = Date.now();
    const participants: ParticipantStatus[] = [];
    const incidentParticipants = [];
    const counts = new Map<OperationalStatus, number>(STATUS_ORDER.map((s) => [s, 0]));
    let notReportedCount = 0;
    for (const line of read.lines) {
      const organisation = organisations.get(line.organisationId);
      if (!organisation) throw new NotFoundError('Organisation', line.organisationId);
      incidentParticipants.push(participant(incidentId, line.organisationId, line.lead, line.joinedAt, organisation));
      const r = line.report;
      let latestReport: SituationReport | null = null;
      if (r) {
        latestReport = SituationReport.fromRow(r);
        const acknowledgements = (line.acks ?? []).map((a) => {
          const ack = acknowledgement(a.organisationId, a.userId, a.at);
          const by = organisations.get(a.organisationId);
          return by ? presetFields(ack, { organisation: by }) : ack;
        });
        this.reports.primeAcknowledgements(ctx, latestReport.id, acknowledgements);
        // The line's report answers author, acknowledgements and (when every one is a
        // participant, as submit requires) recipients from what was read: no field resolver per line.
        const author = (r.author_user_id && authors.get(r.author_user_id)) || null;
        const recipients = latestReport.recipientOrganisationIds.map((id) => organisations.get(id));
        presetFields(latestReport, recipients.every((o) => o !== undefined) ? { author, acknowledgements, recipients } : { author, acknowledgements });
        counts.set(latestReport.operationalStatus, (counts.get(latestReport.operationalStatus) ?? 0) + 1);
      } else {
        notReportedCount++;
      }
      participants.push(
        Object.assign(new ParticipantStatus(), {
          organisationId: line.organisationId,
          organisation,
          latestReport,
          operationalStatus: latestReport?.operationalStatus ?? null,
          // Not cached: it turns true with time alone.
          reportOverdue: r?.latest === true && r.next_report_due_at != null && r.next_report_due_at.getTime() < now,
        }),
      );
    }
    this.incidents.prime(ctx, read.incident, incidentParticipants);

    return Object.assign(new OperationalPicture(), {
      incidentId,
      stamps,
      incident: Incident.fromRow(read.incident),
      generatedAt: new Date(),
      participants,
      statusCounts: STATUS_ORDER.map((status) => ({ status, count: counts.get(status) ?? 0 })),
      notReportedCount,
    });
  }
}

/** A line as JSON gives it, with its timestamps as Date (JSON has them as ISO text). */
function withDates(json: unknown): PictureLine {
  const line = json as PictureLine & { joinedAt: string | Date };
  line.joinedAt = new Date(line.joinedAt);
  const r = line.report;
  if (r) {
    r.submitted_at = new Date(r.submitted_at);
    r.next_report_due_at = r.next_report_due_at === null ? null : new Date(r.next_report_due_at);
  }
  for (const a of line.acks ?? []) a.at = new Date(a.at);
  return line;
}
