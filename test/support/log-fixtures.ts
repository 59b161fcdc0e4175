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
