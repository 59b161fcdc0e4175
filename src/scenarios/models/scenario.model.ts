import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';
import { ApiScope } from '../../common/auth/roles.js';
import { Paginated } from '../../common/pagination/connection.js';
import { CommunicationChannel } from '../../communication-links/models/communication-link-enums.js';
import { IncidentCategory } from '../../incidents/models/incident.enums.js';
import { ResourceRequestPriority } from '../../resources/models/resource.enums.js';
import { LogEntryKind, MeetingKind } from '../../staff-log/models/staff-log.enums.js';

/** A link to propose at activation, initiated by the lead organisation. */
export interface ScenarioLinkContent {
  name: string;
  channel: CommunicationChannel;
  address: string;
  schedule: string | null;
  participantOrganisationIds: string[];
}

/** A first staff-log entry, written for the lead organisation at activation. */
export interface ScenarioLogEntryContent {
  kind: LogEntryKind;
  title: string;
  text: string | null;
  responsibleOrganisationId: string | null;
  dueOffsetMinutes: number | null;
}

/** A first meeting, hosted by the lead organisation; with `dailyAt`, followed by one at that local time. */
export interface ScenarioMeetingContent {
  kind: MeetingKind;
  title: string;
  offsetMinutes: number;
  dailyAt: string | null;
}

/** A resource request made for the lead organisation at activation. */
export interface ScenarioResourceNeedContent {
  resourceTypeId: string;
  quantity: number;
  priority: ResourceRequestPriority;
  justification: string | null;
}

/** scenario_versions.content: the whole of what an activation starts (docs/scenarios.md). */
export interface ScenarioContent {
  category: IncidentCategory;
  title: string;
  description: string;
  leadOrganisationId: string;
  participantOrganisationIds: string[];
  reportIntervalMinutes: number | null;
  links: ScenarioLinkContent[];
  logEntries: ScenarioLogEntryContent[];
  meetings: ScenarioMeetingContent[];
  resourceNeeds: ScenarioResourceNeedContent[];
}

export interface ScenarioRow {
  id: string;
  name: string;
  owner_organisation_id: string | null;
  current_version: number;
  archived: boolean;
  created_at: Date;
  updated_at: Date;
}

export const SCENARIO_COLUMNS = `s.id, s.name, s.owner_organisation_id, s.current_version, s.archived, s.created_at, s.updated_at`;

export interface ScenarioVersionRow {
  id: string;
  scenario_id: string;
  version: number;
  name: string;
  lead_organisation_id: string;
  content: ScenarioContent;
  created_at: Date;
}

export const VERSION_COLUMNS = `v.id, v.scenario_id, v.version, v.name, v.lead_organisation_id, v.content, v.created_at`;

@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType({ description: 'A communication link a scenario proposes at activation; the lead organisation initiates it.' })
export class ScenarioLink {
  @Field()
  name: string;

  @Field(() => CommunicationChannel)
  channel: CommunicationChannel;

  @Field()
  address: string;

  @Field(() => String, { nullable: true })
  schedule: string | null;

  @Field(() => [ID], { description: 'The organisations invited besides the lead.' })
  participantOrganisationIds: string[];
}

@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType({ description: 'A staff-log entry a scenario writes at activation, for the lead organisation, visible to all participants.' })
export class ScenarioLogEntry {
  @Field(() => LogEntryKind)
  kind: LogEntryKind;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  text: string | null;

  @Field(() => ID, { nullable: true })
  responsibleOrganisationId: string | null;

  @Field(() => Int, { nullable: true, description: 'Due this many minutes after the activation.' })
  dueOffsetMinutes: number | null;
}

@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType({ description: 'A meeting a scenario schedules at activation, hosted by the lead organisation.' })
export class ScenarioMeeting {
  @Field(() => MeetingKind)
  kind: MeetingKind;

  @Field()
  title: string;

  @Field(() => Int, { description: 'Starts this many minutes after the activation.' })
  offsetMinutes: number;

  @Field(() => String, { nullable: true, description: "HH:MM (the hub's time zone): the follow-up meeting is scheduled at the next such time after the first." })
  dailyAt: string | null;
}

@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType({ description: 'A resource request a scenario makes at activation, for the lead organisation.' })
export class ScenarioResourceNeed {
  @Field(() => ID)
  resourceTypeId: string;

  @Field(() => Int)
  quantity: number;

  @Field(() => ResourceRequestPriority)
  priority: ResourceRequestPriority;

  @Field(() => String, { nullable: true })
  justification: string | null;
}

@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType({ description: "One immutable version of a scenario: what an activation of it starts. Editing a scenario makes a new version; incidents keep theirs." })
export class ScenarioVersion {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  scenarioId: string;

  @Field(() => Int, { description: '1, 2, 3… per scenario.' })
  version: number;

  @Field()
  name: string;

  @Field(() => IncidentCategory)
  category: IncidentCategory;

  @Field({ description: "The incident's default title." })
  title: string;

  @Field({ description: "The incident's default description." })
  description: string;

  @Field(() => ID, { description: 'Leads the incident; hosts the meetings, initiates the links, writes the entries and makes the requests.' })
  leadOrganisationId: string;

  @Field(() => [ID], { description: 'The organisations that join besides the lead.' })
  participantOrganisationIds: string[];

  @Field(() => Int, { nullable: true, description: 'The reporting rhythm: each participant reports at least this often (nextReportDueAt).' })
  reportIntervalMinutes: number | null;

  @Field(() => [ScenarioLink])
  links: ScenarioLink[];

  @Field(() => [ScenarioLogEntry])
  logEntries: ScenarioLogEntry[];

  @Field(() => [ScenarioMeeting])
  meetings: ScenarioMeeting[];

  @Field(() => [ScenarioResourceNeed])
  resourceNeeds: ScenarioResourceNeed[];

  @Field()
  createdAt: Date;

  static fromRow(r: ScenarioVersionRow): ScenarioVersion {
    const c = r.content;
    return Object.assign(new ScenarioVersion(), {
      id: r.id,
      scenarioId: r.scenario_id,
      version: r.version,
      name: r.name,
      category: c.category,
      title: c.title,
      description: c.description,
      leadOrganisationId: r.lead_organisation_id,
      participantOrganisationIds: c.participantOrganisationIds,
      reportIntervalMinutes: c.reportIntervalMinutes,
      links: c.links,
      logEntries: c.logEntries,
      meetings: c.meetings,
      resourceNeeds: c.resourceNeeds,
      createdAt: r.created_at,
    });
  }
}

@RequiresScope(ApiScope.INCIDENTS_READ)
@ObjectType({ description: 'A prepared scenario: an incident with its participants, links, log entries, meetings and requests, started with one activateScenario.' })
export class Scenario {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: 'True for a regional scenario (made and edited by a COORDINATOR), visible to everyone.' })
  shared: boolean;

  /** Resolved by ScenariosResolver.ownerOrganisation; null when shared. */
  ownerOrganisationId: string | null;

  @Field({ description: 'An archived scenario is kept (incidents name its versions) but can no longer be activated or edited.' })
  archived: boolean;

  /** Resolved by ScenariosResolver.currentVersion. */
  currentVersionNumber: number;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  static fromRow(r: ScenarioRow): Scenario {
    return Object.assign(new Scenario(), {
      id: r.id,
      name: r.name,
      shared: r.owner_organisation_id === null,
      ownerOrganisationId: r.owner_organisation_id,
      archived: r.archived,
      currentVersionNumber: r.current_version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    });
  }
}

@ObjectType()
export class ScenarioConnection extends Paginated(Scenario) {}
