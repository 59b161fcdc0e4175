import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { TestApp } from './test-app.js';

export interface IncidentFixture {
  id: string;
  reference: string;
}

/**
 * An incident written straight to the database, led by the first organisation, the others
 * taking part (for tests that need an incident but do not test the incidents API).
 */
export async function insertIncident(
  db: DataSource,
  organisationIds: string[],
  fields: Partial<{ status: 'ACTIVE' | 'MONITORING' | 'CLOSED'; exercise: boolean; title: string; category: string; createdAt: Date }> = {},
): Promise<IncidentFixture> {
  const reference = `T-${randomBytes(6).toString('hex').toUpperCase()}`;
  const status = fields.status ?? 'ACTIVE';
  const [row] = await db.query(
    `INSERT INTO incidents (reference, title, description, category, status, exercise, lead_organisation_id, closed_at, created_at)
     VALUES ($1, $2, 'Fixture', $6, $3::text, $4, $5, CASE WHEN $3::text = 'CLOSED' THEN now() END, COALESCE($7::timestamptz, now())) RETURNING id`,
    [reference, fields.title ?? `Incident ${reference}`, status, fields.exercise ?? false, organisationIds[0], fields.category ?? 'STORM', fields.createdAt ?? null],
  );
  await db.query(`INSERT INTO incident_participants (incident_id, organisation_id, lead) SELECT $1, o, o = $2 FROM unnest($3::uuid[]) AS o`, [
    row.id,
    organisationIds[0],
    organisationIds,
  ]);
  return { id: row.id, reference };
}

export const SUBMIT_REPORT = `mutation ($input: SubmitSituationReportInput!) {
  submitSituationReport(input: $input) { id version latest visibility operationalStatus supersedes { id version } recipients { id } }
}`;

/** Submits a report through the API as the given principal; throws on any error. */
export async function submitReport(
  hub: TestApp,
  headers: Record<string, string>,
  incidentId: string,
  fields: Partial<{ operationalStatus: string; situation: string; visibility: string; recipientOrganisationIds: string[]; nextReportDueAt: string }> = {},
): Promise<{ id: string; version: number }> {
  const res = await hub.gql(
    SUBMIT_REPORT,
    {
      input: {
        incidentId,
        operationalStatus: fields.operationalStatus ?? 'NORMAL',
        situation: fields.situation ?? 'Lugnt läge.',
        visibility: fields.visibility ?? 'ALL_PARTICIPANTS',
        recipientOrganisationIds: fields.recipientOrganisationIds,
        nextReportDueAt: fields.nextReportDueAt,
      },
    },
    headers,
  );
  if (!res.body.data?.submitSituationReport) throw new Error(`submitSituationReport failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.submitSituationReport;
}
