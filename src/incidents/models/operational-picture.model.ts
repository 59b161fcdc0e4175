import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { PictureStamps } from '../../common/cache/picture-stamps.js';
import { Organisation } from '../../organisations/models/organisation.model.js';
import { Incident } from './incident.model.js';
import { OperationalStatus } from './incident.enums.js';
import { SituationReport } from './situation-report.model.js';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';

@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType({ description: "One participating organisation's line in the common operational picture." })
export class ParticipantStatus {
  /** Set by OperationalPictureService from the picture's own statement (no field resolver per line). */
  @Field(() => Organisation)
  organisation: Organisation;

  organisationId: string;

  @Field(() => SituationReport, { nullable: true, description: 'The newest report from this organisation that the viewer may read.' })
  latestReport: SituationReport | null;

  @Field(() => OperationalStatus, { nullable: true, description: 'NULL when the organisation has not reported (as far as the viewer may see).' })
  operationalStatus: OperationalStatus | null;

  @Field({ description: "True when the latest report's nextReportDueAt has passed with no newer report." })
  reportOverdue: boolean;
}

@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType()
export class OperationalStatusCount {
  @Field(() => OperationalStatus)
  status: OperationalStatus;

  @Field(() => Int)
  count: number;
}

/**
 * The common operational picture (gemensam lägesbild) of one incident, as the viewer may see
 * it. Everything but `openResourceRequests` and `activeCommunicationLinks` is computed by
 * OperationalPictureService and set on the object; those two are field resolvers of the
 * resources and links modules (`@Resolver(() => OperationalPicture)`), which use `incidentId`.
 */
@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType({ description: 'The common operational picture (gemensam lägesbild) of one incident, as the viewer may see it.' })
export class OperationalPicture {
  /** The incident the picture is of; the caller has already been checked to see it. */
  incidentId: string;

  /** The change stamps the picture was read under (its field resolvers' caches use them). */
  stamps: PictureStamps;

  @Field(() => Incident)
  incident: Incident;

  @Field()
  generatedAt: Date;

  @Field(() => [ParticipantStatus])
  participants: ParticipantStatus[];

  @Field(() => [OperationalStatusCount])
  statusCounts: OperationalStatusCount[];

  @Field(() => Int, { description: 'Participants with no visible report.' })
  notReportedCount: number;
}
