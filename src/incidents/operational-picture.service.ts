import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../common/access/access.service.js';
import { isAdmin } from '../common/auth/principal.js';
import type { RequestContext } from '../common/request/request-context.js';
import { IncidentsService } from './incidents.service.js';
import { OperationalStatus } from './models/incident.enums.js';
import { OperationalPicture, ParticipantStatus } from './models/operational-picture.model.js';
import { REPORT_COLUMNS, SituationReport, type SituationReportRow } from './models/situation-report.model.js';
import { readableReportSql } from './situation-reports.service.js';

const STATUS_ORDER = [OperationalStatus.NORMAL, OperationalStatus.STRAINED, OperationalStatus.SEVERELY_STRAINED, OperationalStatus.CRITICAL];

type PictureRow = { participant_id: string; overdue: boolean | null } & Partial<SituationReportRow>;

/**
 * The common operational picture. Its cost does not grow with the number of participants:
 * the access check, the incident row and one statement that finds, for every participant, its
 * newest report that the viewer may read (a LATERAL per participant row, in the same
 * statement). The organisations of the lines come through the per-request loader (one more).
 */
@Injectable()
export class OperationalPictureService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly incidents: IncidentsService,
  ) {}

  async picture(ctx: RequestContext, incidentId: string): Promise<OperationalPicture> {
    const p = ctx.who;
    await this.access.requireIncident(ctx, incidentId);
    const [incident, rows] = await Promise.all([
      this.incidents.require(ctx, incidentId),
      this.db.query(
        `SELECT ip.organisation_id AS participant_id, lr.*,
                (lr.latest AND lr.next_report_due_at < now()) AS overdue
           FROM incident_participants ip
           LEFT JOIN LATERAL (
             SELECT ${REPORT_COLUMNS} FROM situation_reports r
              WHERE r.incident_id = ip.incident_id AND r.organisation_id = ip.organisation_id AND ${readableReportSql('$2', '$3')}
              ORDER BY r.version DESC LIMIT 1) lr ON true
          WHERE ip.incident_id = $1
          ORDER BY ip.lead DESC, ip.joined_at, ip.organisation_id`,
        [incidentId, p.organisationId, isAdmin(p)],
      ) as Promise<PictureRow[]>,
    ]);

    const participants = rows.map((r) => {
      const latestReport = r.id ? SituationReport.fromRow(r as SituationReportRow) : null;
      return Object.assign(new ParticipantStatus(), {
        organisationId: r.participant_id,
        latestReport,
        operationalStatus: latestReport?.operationalStatus ?? null,
        reportOverdue: r.overdue === true,
      });
    });
    const counts = new Map<OperationalStatus, number>(STATUS_ORDER.map((s) => [s, 0]));
    for (const line of participants) if (line.operationalStatus) counts.set(line.operationalStatus, (counts.get(line.operationalStatus) ?? 0) + 1);

    return Object.assign(new OperationalPicture(), {
      incidentId,
      incident,
      generatedAt: new Date(),
      participants,
      statusCounts: STATUS_ORDER.map((status) => ({ status, count: counts.get(status) ?? 0 })),
      notReportedCount: participants.filter((l) => !l.latestReport).length,
    });
  }
}
