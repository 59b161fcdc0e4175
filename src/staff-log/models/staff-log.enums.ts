import { registerEnumType } from '@nestjs/graphql';

export enum LogEntryKind {
  INFORMATION = 'INFORMATION',
  NEED = 'NEED',
  QUESTION = 'QUESTION',
  DECISION = 'DECISION',
  ACTION = 'ACTION',
}
registerEnumType(LogEntryKind, {
  name: 'LogEntryKind',
  valuesMap: {
    INFORMATION: { description: 'Something that happened or became known.' },
    NEED: { description: 'Something someone lacks and has to get (behov): personnel, material, support.' },
    QUESTION: { description: 'Something that must be answered or decided (a samordningsbehov).' },
    DECISION: { description: 'A decision (beslut), with who took it.' },
    ACTION: { description: 'A task (åtgärd): what is to be done, by whom, by when, reported back how.' },
  },
});

export enum LogEntryStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
  CANCELLED = 'CANCELLED',
}
registerEnumType(LogEntryStatus, {
  name: 'LogEntryStatus',
  valuesMap: { DONE: { description: 'Met, answered, carried out. INFORMATION and DECISION entries are DONE when written.' } },
});

/** The statuses of an entry that still asks something of its responsible organisation. */
export const OPEN_STATUSES = [LogEntryStatus.OPEN, LogEntryStatus.IN_PROGRESS];

export enum LogVisibility {
  INTERNAL = 'INTERNAL',
  ALL_PARTICIPANTS = 'ALL_PARTICIPANTS',
  RESTRICTED = 'RESTRICTED',
}
registerEnumType(LogVisibility, {
  name: 'LogVisibility',
  valuesMap: {
    INTERNAL: { description: 'The writing organisation only: its internal log.' },
    ALL_PARTICIPANTS: { description: 'Every organisation taking part in the incident.' },
    RESTRICTED: { description: 'The writing organisation and the listed recipients.' },
  },
});

export enum MeetingKind {
  STAFF_MEETING = 'STAFF_MEETING',
  COORDINATION_CONFERENCE = 'COORDINATION_CONFERENCE',
}
registerEnumType(MeetingKind, {
  name: 'MeetingKind',
  valuesMap: {
    STAFF_MEETING: { description: "One organisation's own staff meeting (stabsmöte): INTERNAL to it." },
    COORDINATION_CONFERENCE: { description: "A samverkanskonferens of the incident's participants, or of the listed ones." },
  },
});

export enum MeetingStatus {
  PLANNED = 'PLANNED',
  IN_PROGRESS = 'IN_PROGRESS',
  CLOSED = 'CLOSED',
}
registerEnumType(MeetingStatus, { name: 'MeetingStatus' });
