import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';
import { ApiScope } from '../../common/auth/roles.js';
import { Paginated } from '../../common/pagination/connection.js';
import { LogEntryKind, LogEntryStatus, LogVisibility, OPEN_STATUSES } from './staff-log.enums.js';

/** A `log_entries` row as the services select it (ENTRY_COLUMNS), recipients aggregated; dates as ISO strings after the event bus. */
export interface LogEntryRow {
  id: string;
  incident_id: string;
  number: number;
  kind: LogEntryKind;
  title: string;
  text: string | null;
  organisation_id: string;
  author_user_id: string | null;
  visibility: LogVisibility;
  recipient_ids: string[];
  occurred_at: Date | string;
  created_at: Date | string;
  status: LogEntryStatus;
  responsible_organisation_id: string | null;
  responsible_person: string | null;
  due_at: Date | string | null;
  report_back: string | null;
  parent_id: string | null;
  resource_request_id: string | null;
  meeting_id: string | null;
  changed_at: Date | string;
}

/** Columns of `log_entries e`, with the recipients. */
export const ENTRY_COLUMNS = `e.id, e.incident_id, e.number, e.kind, e.title, e.text, e.organisation_id, e.author_user_id, e.visibility,
  ARRAY(SELECT r.organisation_id FROM log_entry_recipients r WHERE r.entry_id = e.id ORDER BY r.organisation_id) AS recipient_ids,
  e.occurred_at, e.created_at, e.status, e.responsible_organisation_id, e.responsible_person, e.due_at, e.report_back,
  e.parent_id, e.resource_request_id, e.meeting_id, e.changed_at`;

export function toDate(v: Date | string): Date;
export function toDate(v: Date | string | null): Date | null;
export function toDate(v: Date | string | null): Date | null {
  return v === null ? null : v instanceof Date ? v : new Date(v);
}

@RequiresScope(ApiScope.LOG_READ)
@ObjectType({ description: 'An entry of the staff log (logglista). Title and text never change; everything after is a follow-up.' })
export class LogEntry {
  @Field(() => ID)
  id: string;

  incidentId: string;
  organisationId: string;
  authorUserId: string | null;
  recipientOrganisationIds: string[];
  responsibleOrganisationId: string | null;
  parentId: string | null;
  resourceRequestId: string | null;
  meetingId: string | null;
  changedAt: Date;

  @Field(() => Int, { description: '1, 2, 3... per incident, in the order written: how entries are read out at a meeting.' })
  number: number;

  @Field(() => LogEntryKind)
  kind: LogEntryKind;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  text: string | null;

  @Field(() => LogVisibility)
  visibility: LogVisibility;

  @Field({ description: 'When it happened or became known; at most a little after createdAt, may be long before.' })
  occurredAt: Date;

  @Field()
  createdAt: Date;

  @Field(() => LogEntryStatus, { description: "The current status: the latest follow-up's, or what the entry was written with." })
  status: LogEntryStatus;

  @Field(() => String, { nullable: true, description: 'A function or name inside the responsible organisation (e.g. TiB, POSOM-ledare).' })
  responsiblePerson: string | null;

  @Field(() => Date, { nullable: true })
  dueAt: Date | null;

  @Field(() => String, { nullable: true, description: 'How the result is to be reported back (e.g. at the next stabsmöte, in a lägesrapport).' })
  reportBack: string | null;

  @Field({ description: 'True when dueAt has passed and the status is OPEN or IN_PROGRESS.' })
  get overdue(): boolean {
    return this.dueAt !== null && this.dueAt.getTime() < Date.now() && OPEN_STATUSES.includes(this.status);
  }

  static fromRow(r: LogEntryRow): LogEntry {
    return Object.assign(new LogEntry(), {
      id: r.id,
      incidentId: r.incident_id,
      number: r.number,
      kind: r.kind,
      title: r.title,
      text: r.text,
      organisationId: r.organisation_id,
      authorUserId: r.author_user_id,
      visibility: r.visibility,
      recipientOrganisationIds: r.recipient_ids ?? [],
      occurredAt: toDate(r.occurred_at),
      createdAt: toDate(r.created_at),
      status: r.status,
      responsibleOrganisationId: r.responsible_organisation_id,
      responsiblePerson: r.responsible_person,
      dueAt: toDate(r.due_at),
      reportBack: r.report_back,
      parentId: r.parent_id,
      resourceRequestId: r.resource_request_id,
      meetingId: r.meeting_id,
      changedAt: toDate(r.changed_at),
    });
  }
}

@ObjectType()
export class LogEntryConnection extends Paginated(LogEntry) {}

export interface LogEntryUpdateRow {
  id: string;
  entry_id: string;
  organisation_id: string;
  author_user_id: string | null;
  note: string;
  status: LogEntryStatus | null;
  created_at: Date;
}

@RequiresScope(ApiScope.LOG_READ)
@ObjectType({ description: 'A follow-up of a log entry: a note, a status change, a new owner or deadline.' })
export class LogEntryUpdate {
  @Field(() => ID)
  id: string;

  entryId: string;
  organisationId: string;
  authorUserId: string | null;

  @Field()
  note: string;

  @Field(() => LogEntryStatus, { nullable: true, description: 'The status this follow-up set, if it changed it.' })
  status: LogEntryStatus | null;

  @Field()
  createdAt: Date;

  static fromRow(r: LogEntryUpdateRow): LogEntryUpdate {
    return Object.assign(new LogEntryUpdate(), {
      id: r.id,
      entryId: r.entry_id,
      organisationId: r.organisation_id,
      authorUserId: r.author_user_id,
      note: r.note,
      status: r.status,
      createdAt: r.created_at,
    });
  }
}
