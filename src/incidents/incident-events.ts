import type { SituationReportRow } from './models/situation-report.model.js';

/** Topics on the EventBus; payloads are plain JSON (ids, strings, ISO dates) so that they cross Redis unchanged. */
export const INCIDENT_CHANGED = 'incident.changed';
export const SITUATION_REPORT_SUBMITTED = 'situationReport.submitted';

export interface IncidentChangedEvent {
  incidentId: string;
}

export interface SituationReportSubmittedEvent {
  reportId: string;
  incidentId: string;
  /**
   * The report as committed (its visibility, author organisation and recipients decide who
   * reads it), and the organisations taking part in the incident when it was committed (the
   * submit holds a share lock on the incident, so nobody joins meanwhile): with both, each
   * subscriber's filter is pure, and the event costs no statement per subscriber. Absent from
   * events of an older publisher; the subscribers then read both once per event.
   */
  report?: SituationReportRow;
  participantOrganisationIds?: string[];
}
