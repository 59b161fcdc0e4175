import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../common/pagination/connection.js';
import { Organisation } from '../../organisations/models/organisation.model.js';
import { GeoPoint } from './geo-point.model.js';
import { IncidentCategory, IncidentStatus } from './incident.enums.js';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';

export { IncidentCategory, IncidentStatus } from './incident.enums.js';

/** An `incidents` row as the services select it (INCIDENT_COLUMNS). */
export interface IncidentRow {
  id: string;
  reference: string;
  title: string;
  description: string;
  category: IncidentCategory;
  status: IncidentStatus;
  exercise: boolean;
  latitude: number | null;
  longitude: number | null;
  location_name: string | null;
  lead_organisation_id: string;
  started_at: Date;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  scenario_version_id: string | null;
}

export const INCIDENT_COLUMNS = `id, reference, title, description, category, status, exercise, latitude, longitude,
  location_name, lead_organisation_id, started_at, closed_at, created_at, updated_at, scenario_version_id`;

/**
 * A crisis or extraordinary event in which actors cooperate. `participants` and
 * `situationReports` are field resolvers of IncidentsResolver / SituationReportsResolver;
 * `resourceRequests` and `communicationLinks` are added by their own modules
 * (`@Resolver(() => Incident)`), which can use the plain properties below.
 */
@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType({ description: 'A crisis or extraordinary event in which actors cooperate.' })
export class Incident {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Human-readable, unique, e.g. 2026-0042.' })
  reference: string;

  @Field()
  title: string;

  @Field()
  description: string;

  @Field(() => IncidentCategory)
  category: IncidentCategory;

  @Field(() => IncidentStatus)
  status: IncidentStatus;

  @Field({ description: 'True for an exercise (övning); everything in it is marked as such.' })
  exercise: boolean;

  @Field(() => GeoPoint, { nullable: true })
  location: GeoPoint | null;

  @Field(() => String, { nullable: true })
  locationName: string | null;

  @Field()
  startedAt: Date;

  @Field(() => Date, { nullable: true })
  closedAt: Date | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  /** The organisation that leads the incident's coordination (not a GraphQL field). */
  leadOrganisationId: string;

  /** The scenario version the incident was started from (Incident.scenarioVersion is the scenarios module's field). */
  scenarioVersionId: string | null;

  static fromRow(r: IncidentRow): Incident {
    return Object.assign(new Incident(), {
      id: r.id,
      reference: r.reference,
      title: r.title,
      description: r.description,
      category: r.category,
      status: r.status,
      exercise: r.exercise,
      location: GeoPoint.fromColumns(r.latitude, r.longitude),
      locationName: r.location_name,
      startedAt: r.started_at,
      closedAt: r.closed_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      leadOrganisationId: r.lead_organisation_id,
      scenarioVersionId: r.scenario_version_id,
    });
  }
}

@ObjectType()
export class IncidentConnection extends Paginated(Incident) {}

@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType()
export class IncidentParticipant {
  /** Set by IncidentsService from the same statement as the participant (no field resolver per row). */
  @Field(() => Organisation)
  organisation: Organisation;

  organisationId: string;

  incidentId: string;

  @Field()
  joinedAt: Date;

  @Field({ description: "True for the organisation that leads the incident's coordination." })
  lead: boolean;
}
