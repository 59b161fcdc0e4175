import { Field, ID, ObjectType } from '@nestjs/graphql';
import { CommunicationChannel, CommunicationLinkStatus, LinkParticipantStatus } from './communication-link-enums.js';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';

/** A row of communication_links as the service selects it (LINK_COLUMNS). */
export interface CommunicationLinkRow {
  id: string;
  incident_id: string;
  name: string;
  channel: CommunicationChannel;
  address: string;
  schedule: string | null;
  status: CommunicationLinkStatus;
  initiating_organisation_id: string;
  created_at: Date | string;
  activated_at: Date | string | null;
  closed_at: Date | string | null;
}

export const LINK_COLUMNS = `id, incident_id, name, channel, address, schedule, status, initiating_organisation_id, created_at, activated_at, closed_at`;

/** Rows cross Redis as JSON (dates as ISO strings): both shapes map to the same model. */
function date(v: Date | string): Date;
function date(v: Date | string | null): Date | null;
function date(v: Date | string | null): Date | null {
  return v === null ? null : v instanceof Date ? v : new Date(v);
}

@RequiresScope(ApiScope.LINKS_READ)
@ObjectType({
  description:
    'A communication link between actors in one incident: a RAKEL talkgroup, a\ntelephone conference, a liaison officer placed with another actor...\nPROPOSED until an invited organisation accepts, then ACTIVE until closed.',
})
export class CommunicationLink {
  @Field(() => ID)
  id: string;

  /** Resolved by CommunicationLinksResolver.incident. */
  incidentId: string;

  @Field()
  name: string;

  @Field(() => CommunicationChannel)
  channel: CommunicationChannel;

  @Field({ description: 'Talkgroup, phone number, meeting address or place, as the channel needs.' })
  address: string;

  @Field(() => String, { nullable: true, description: "e.g. 'daily 08:00 and 16:00'." })
  schedule: string | null;

  @Field(() => CommunicationLinkStatus)
  status: CommunicationLinkStatus;

  /** Resolved by CommunicationLinksResolver.initiatingOrganisation. */
  initiatingOrganisationId: string;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  activatedAt: Date | null;

  @Field(() => Date, { nullable: true })
  closedAt: Date | null;

  static fromRow(r: CommunicationLinkRow): CommunicationLink {
    return Object.assign(new CommunicationLink(), {
      id: r.id,
      incidentId: r.incident_id,
      name: r.name,
      channel: r.channel,
      address: r.address,
      schedule: r.schedule,
      status: r.status,
      initiatingOrganisationId: r.initiating_organisation_id,
      createdAt: date(r.created_at),
      activatedAt: date(r.activated_at),
      closedAt: date(r.closed_at),
    });
  }
}

export interface LinkParticipantRow {
  link_id: string;
  organisation_id: string;
  status: LinkParticipantStatus;
  contact_name: string | null;
  contact_phone: string | null;
  responded_at: Date | null;
}

export const PARTICIPANT_COLUMNS = `link_id, organisation_id, status, contact_name, contact_phone, responded_at`;

@RequiresScope(ApiScope.LINKS_READ)
@ObjectType()
export class CommunicationLinkParticipant {
  /** Resolved by CommunicationLinkParticipantsResolver.organisation. */
  organisationId: string;

  @Field(() => LinkParticipantStatus)
  status: LinkParticipantStatus;

  @Field(() => String, { nullable: true })
  contactName: string | null;

  @Field(() => String, { nullable: true })
  contactPhone: string | null;

  @Field(() => Date, { nullable: true })
  respondedAt: Date | null;

  static fromRow(r: LinkParticipantRow): CommunicationLinkParticipant {
    return Object.assign(new CommunicationLinkParticipant(), {
      organisationId: r.organisation_id,
      status: r.status,
      contactName: r.contact_name,
      contactPhone: r.contact_phone,
      respondedAt: r.responded_at,
    });
  }
}
