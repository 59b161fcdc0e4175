import type { LogEntryRow } from './models/log-entry.model.js';
import type { MeetingRow } from './models/meeting.model.js';

/** Topics on the EventBus; payloads are plain JSON so that they cross Redis unchanged. */
export const LOG_ENTRY_CHANGED = 'logEntry.changed';
export const MEETING_CHANGED = 'meeting.changed';

/**
 * A written or followed-up entry as committed, with the organisations taking part in the
 * incident then (the write held a share lock on the incident, so nobody joined meanwhile): each
 * subscriber's filter decides from these facts alone, without a statement.
 */
export interface LogEntryChangedEvent {
  entry: LogEntryRow;
  participantOrganisationIds: string[];
}

/** A scheduled, started or closed meeting as committed, with the incident's participants then. */
export interface MeetingChangedEvent {
  meeting: MeetingRow;
  participantOrganisationIds: string[];
}
