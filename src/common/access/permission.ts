/**
 * The vocabulary of record-level access: what a principal wants to do with one record. The
 * guard checks the role at the edge (`@Allow`); AccessService answers, for a permission and a
 * set of ids, which of them this principal may use. Each permission's rule lives beside the code
 * of the feature that owns the record (`<feature>.access.ts`), registered at start-up.
 *
 * A permission other than a `.read` one names the `.read` permission that decides visibility:
 * what the caller may not read is NOT_FOUND; what it may read but not do is FORBIDDEN.
 */
export enum Permission {
  /** ADMIN, COORDINATOR: every incident; others: those their organisation takes part in. */
  IncidentRead = 'incident.read',
  /** COORDINATOR; the lead organisation. */
  IncidentUpdate = 'incident.update',
  /** COORDINATOR; a participant. */
  IncidentAddParticipant = 'incident.addParticipant',
  /** Act in the incident for the own organisation (report, request resources, propose links): a participant. */
  IncidentContribute = 'incident.contribute',

  /** Sees the incident, and: ALL_PARTICIPANTS, own organisation wrote it or is a recipient; ADMIN all. */
  ReportRead = 'report.read',
  /** An organisation the report is addressed to, other than its author. */
  ReportAcknowledge = 'report.acknowledge',

  /** Sees the request's incident. */
  RequestRead = 'request.read',
  /** The requesting organisation; COORDINATOR (cancel, matches). */
  RequestManage = 'request.manage',
  /** Sees the loan's incident. */
  LoanRead = 'loan.read',
  /** The requesting organisation; COORDINATOR (accept, decline, cancel). */
  LoanRequesterSide = 'loan.requesterSide',
  /** The lending organisation (withdraw, dispatch, return). */
  LoanLenderSide = 'loan.lenderSide',
  /** The holding's organisation (offer from it). */
  HoldingLend = 'holding.lend',

  /** Sees the link's incident. */
  LinkRead = 'link.read',
  /** An organisation the link invites. */
  LinkRespond = 'link.respond',
  /** The initiating organisation; COORDINATOR. */
  LinkClose = 'link.close',

  /** ADMIN; that organisation's users (its members). */
  OrganisationMembersRead = 'organisation.readMembers',
  /** ADMIN: any organisation; others: their own (which fields, the service decides). */
  OrganisationUpdate = 'organisation.update',
  /** ADMIN: any organisation; others: their own. */
  OrganisationHoldingsWrite = 'organisation.writeHoldings',
  /** ADMIN: any organisation; others: their own. */
  OrganisationApiKeysManage = 'organisation.manageApiKeys',

  /**
   * Sees the entry's incident, and: ALL_PARTICIPANTS; RESTRICTED: own organisation wrote it, is a
   * recipient or is responsible; INTERNAL: own organisation wrote it (nobody else, ADMIN and
   * COORDINATOR included).
   */
  LogEntryRead = 'logEntry.read',
  /** The writing or the responsible organisation; COORDINATOR for entries that are not INTERNAL. */
  LogEntryFollowUp = 'logEntry.followUp',
  /** STAFF_MEETING: the holding organisation; COORDINATION_CONFERENCE: its participants, COORDINATOR and ADMIN. */
  MeetingRead = 'meeting.read',
  /** STAFF_MEETING: the holding organisation; COORDINATION_CONFERENCE: it, the incident's lead organisation, COORDINATOR. */
  MeetingManage = 'meeting.manage',

  /** ADMIN, COORDINATOR: every scenario; others: regional (shared) scenarios and their own organisation's. */
  ScenarioRead = 'scenario.read',
  /** A regional scenario: COORDINATOR (and ADMIN) of any organisation; an organisation's: its LIAISON_OFFICER and up. */
  ScenarioEdit = 'scenario.edit',
  /** COORDINATOR (and ADMIN); a LIAISON_OFFICER of the lead organisation its current version names. */
  ScenarioActivate = 'scenario.activate',

  /** ADMIN; the users of the same organisation. */
  UserRead = 'user.read',
  /**
   * A user's e-mail address, wherever the user is reached (a report's author, an acknowledger):
   * ADMIN, COORDINATOR and the same organisation. Everyone who reaches a user sees its name and
   * organisation; the address is what an account lockout or phishing would be aimed at.
   */
  UserContactRead = 'user.readContact',
  /** ADMIN; the key's own organisation (read, revoke). */
  ApiKeyManage = 'apiKey.manage',

  /** ADMIN: any organisation; others: their own (register webhook endpoints for it). */
  OrganisationWebhooksManage = 'organisation.manageWebhooks',
  /** ADMIN; the endpoint's own organisation (read, change, rotate, delete, test, its delivery log). */
  WebhookEndpointManage = 'webhookEndpoint.manage',
}
