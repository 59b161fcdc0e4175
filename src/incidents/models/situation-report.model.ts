import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../common/pagination/connection.js';
import { OperationalStatus, ReportVisibility } from './incident.enums.js';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';

export { OperationalStatus, ReportVisibility } from './incident.enums.js';

/** A `situation_reports` row as the services select it (REPORT_COLUMNS), recipients aggregated. */
export interface SituationReportRow {
  id: string;
  incident_id: string;
  organisation_id: string;
  author_user_id: string | null;
  version: number;
  supersedes_id: string | null;
  latest: boolean;
  operational_status: OperationalStatus;
  situation: string;
  consequences: string | null;
  actions_taken: string | null;
  planned_actions: string | null;
  needs: string | null;
  forecast: string | null;
  public_information: string | null;
  visibility: ReportVisibility;
  recipient_ids: string[];
  submitted_at: Date;
  next_report_due_at: Date | null;
}

/** Columns of `situation_reports r`, with `latest` and the recipients computed. */
export const REPORT_COLUMNS = `r.id, r.incident_id, r.organisation_id, r.author_user_id, r.version, r.supersedes_id,
  NOT EXISTS (SELECT 1 FROM situation_reports n WHERE n.incident_id = r.incident_id AND n.organisation_id = r.organisation_id AND n.version > r.version) AS latest,
  r.operational_status, r.situation, r.consequences, r.actions_taken, r.planned_actions, r.needs, r.forecast,
  r.public_information, r.visibility,
  ARRAY(SELECT rr.organisation_id FROM situation_report_recipients rr WHERE rr.report_id = r.id ORDER BY rr.organisation_id) AS recipient_ids,
  r.submitted_at, r.next_report_due_at`;

@RequiresScope(ApiScope.REPORTS_READ)
@ObjectType({
  description: "A lägesrapport: one organisation's account of the situation at one moment. Immutable once submitted; a correction is a new version.",
})
export class SituationReport {
  @Field(() => ID)
  id: string;

  incidentId: string;
  organisationId: string;
  authorUserId: string | null;
  supersedesId: string | null;
  recipientOrganisationIds: string[];

  @Field(() => Int, { description: '1, 2, 3... per incident and organisation.' })
  version: number;

  @Field({ description: 'True while no newer version from the same organisation exists.' })
  latest: boolean;

  @Field(() => OperationalStatus)
  operationalStatus: OperationalStatus;

  @Field({ description: 'What has happened and the situation now.' })
  situation: string;

  @Field(() => String, { nullable: true, description: "Consequences for the organisation's operations and for the public." })
  consequences: string | null;

  @Field(() => String, { nullable: true })
  actionsTaken: string | null;

  @Field(() => String, { nullable: true })
  plannedActions: string | null;

  @Field(() => String, { nullable: true, description: 'Support needed from other actors.' })
  needs: string | null;

  @Field(() => String, { nullable: true, description: 'Assessment of how the situation will develop.' })
  forecast: string | null;

  @Field(() => String, { nullable: true, description: 'What has been or will be communicated to the public.' })
  publicInformation: string | null;

  @Field(() => ReportVisibility)
  visibility: ReportVisibility;

  @Field()
  submittedAt: Date;

  @Field(() => Date, { nullable: true })
  nextReportDueAt: Date | null;

  static fromRow(r: SituationReportRow): SituationReport {
    return Object.assign(new SituationReport(), {
      id: r.id,
      incidentId: r.incident_id,
      organisationId: r.organisation_id,
      authorUserId: r.author_user_id,
      supersedesId: r.supersedes_id,
      recipientOrganisationIds: r.recipient_ids ?? [],
      version: r.version,
      latest: r.latest,
      operationalStatus: r.operational_status,
      situation: r.situation,
      consequences: r.consequences,
      actionsTaken: r.actions_taken,
      plannedActions: r.planned_actions,
      needs: r.needs,
      forecast: r.forecast,
      publicInformation: r.public_information,
      visibility: r.visibility,
      submittedAt: r.submitted_at,
      nextReportDueAt: r.next_report_due_at,
    });
  }
}

@ObjectType()
export class SituationReportConnection extends Paginated(SituationReport) {}

@RequiresScope(ApiScope.REPORTS_READ)
@ObjectType()
export class ReportAcknowledgement {
  organisationId: string;
  acknowledgedByUserId: string | null;

  @Field()
  acknowledgedAt: Date;
}
