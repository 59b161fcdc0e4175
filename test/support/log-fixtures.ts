import type { DataSource } from 'typeorm';
import type { TestApp } from './test-app.js';

export const WRITE_LOG_ENTRY = `mutation ($input: WriteLogEntryInput!) {
  writeLogEntry(input: $input) { id number kind status visibility recipients { id } responsibleOrganisation { id } parent { id } meeting { id } }
}`;

/** Writes a log entry through the API as the given principal; throws on any error. */
export async function writeEntry(
  hub: TestApp,
  headers: Record<string, string>,
  input: Record<string, unknown> & { incidentId: string },
): Promise<{ id: string; number: number; status: string }> {
  const res = await hub.gql(WRITE_LOG_ENTRY, { input: { kind: 'INFORMATION', title: 'Loggat', visibility: 'ALL_PARTICIPANTS', ...input } }, headers);
  if (!res.body.data?.writeLogEntry) throw new Error(`writeLogEntry failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.writeLogEntry;
}

/** Schedules a meeting through the API; throws on any error. */
export async function scheduleMeeting(hub: TestApp, headers: Record<string, string>, input: Record<string, unknown> & { incidentId: string }): Promise<string> {
  const res = await hub.gql(
    `mutation ($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`,
    { input: { kind: 'STAFF_MEETING', title: 'Stabsmöte', startsAt: new Date(Date.now() + 3_600_000).toISOString(), ...input } },
    headers,
  );
  if (!res.body.data?.scheduleMeeting) throw new Error(`scheduleMeeting failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.scheduleMeeting.id;
}

/** Starts, or closes, a meeting through the API; throws on any error. */
export async function runMeeting(hub: TestApp, headers: Record<string, string>, id: string, action: 'start' | 'close', fields: Record<string, unknown> = {}): Promise<void> {
  const res =
    action === 'start'
      ? await hub.gql(`mutation ($id: ID!) { startMeeting(id: $id) { id } }`, { id }, headers)
      : await hub.gql(`mutation ($input: CloseMeetingInput!) { closeMeeting(input: $input) { id } }`, { input: { meetingId: id, ...fields } }, headers);
  if (res.body.errors) throw new Error(`${action}Meeting failed: ${JSON.stringify(res.body.errors)}`);
}

/** A log entry written straight to the database (numbered through the incident's counter row), for tests of other things. */
export async function insertLogEntry(
  db: DataSource,
  incidentId: string,
  organisationId: string,
  fields: Partial<{ kind: string; title: string; visibility: string; status: string; recipientIds: string[]; responsibleId: string }> = {},
): Promise<string> {
  const status = fields.status ?? 'OPEN';
  const [row] = await db.query(
    `WITH n AS (INSERT INTO log_counters (incident_id, last_number) VALUES ($1, 1)
                ON CONFLICT (incident_id) DO UPDATE SET last_number = log_counters.last_number + 1 RETURNING last_number)
     INSERT INTO log_entries (incident_id, number, kind, title, organisation_id, visibility, occurred_at, initial_status, status, responsible_organisation_id)
     SELECT $1, n.last_number, $3, $4, $2, $5, now(), $6, $6, $7 FROM n RETURNING id`,
    [incidentId, organisationId, fields.kind ?? 'NEED', fields.title ?? 'Fixture entry', fields.visibility ?? 'ALL_PARTICIPANTS', status, fields.responsibleId ?? null],
  );
  if (fields.recipientIds?.length) {
    await db.query(`INSERT INTO log_entry_recipients (entry_id, incident_id, organisation_id) SELECT $1, $2, unnest($3::uuid[])`, [row.id, incidentId, fields.recipientIds]);
  }
  return row.id;
}

/** A meeting written straight to the database; listed participants only for a conference that names them. */
export async function insertMeeting(
  db: DataSource,
  incidentId: string,
  organisationId: string,
  fields: Partial<{ kind: string; status: 'PLANNED' | 'IN_PROGRESS' | 'CLOSED'; listedIds: string[] }> = {},
): Promise<string> {
  const status = fields.status ?? 'PLANNED';
  const [row] = await db.query(
    `INSERT INTO meetings (incident_id, kind, title, organisation_id, starts_at, status, started_at, closed_at)
     VALUES ($1, $2, 'Fixture meeting', $3, now() + interval '1 hour', $4::text,
             CASE WHEN $4::text <> 'PLANNED' THEN now() END, CASE WHEN $4::text = 'CLOSED' THEN now() END) RETURNING id`,
    [incidentId, fields.kind ?? 'COORDINATION_CONFERENCE', organisationId, status],
  );
  if (fields.listedIds?.length) await db.query(`INSERT INTO meeting_participants (meeting_id, organisation_id) SELECT $1, unnest($2::uuid[])`, [row.id, fields.listedIds]);
  return row.id;
}
