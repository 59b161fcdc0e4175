import { registerEnumType } from '@nestjs/graphql';

export enum CommunicationChannel {
  RAKEL_TALKGROUP = 'RAKEL_TALKGROUP',
  TELEPHONE_CONFERENCE = 'TELEPHONE_CONFERENCE',
  VIDEO_CONFERENCE = 'VIDEO_CONFERENCE',
  RADIO = 'RADIO',
  SATELLITE_PHONE = 'SATELLITE_PHONE',
  EMAIL = 'EMAIL',
  LIAISON_OFFICER = 'LIAISON_OFFICER',
  OTHER = 'OTHER',
}

registerEnumType(CommunicationChannel, { name: 'CommunicationChannel', description: 'The means of a communication link (samband).' });

export enum CommunicationLinkStatus {
  PROPOSED = 'PROPOSED',
  ACTIVE = 'ACTIVE',
  CLOSED = 'CLOSED',
}

registerEnumType(CommunicationLinkStatus, { name: 'CommunicationLinkStatus' });

export enum LinkParticipantStatus {
  INVITED = 'INVITED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
}

registerEnumType(LinkParticipantStatus, { name: 'LinkParticipantStatus' });
