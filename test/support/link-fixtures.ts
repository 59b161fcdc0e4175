import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

export { insertIncident, type IncidentFixture } from './incident-fixtures.js';

/** A link written straight to the database: the initiator ACCEPTED, the invitees INVITED. */
export async function insertLink(
  db: DataSource,
  incidentId: string,
  initiatorId: string,
  inviteeIds: string[],
  fields: Partial<{ status: 'PROPOSED' | 'ACTIVE' | 'CLOSED'; name: string; channel: string; address: string }> = {},
): Promise<string> {
  const status = fields.status ?? 'PROPOSED';
  const [row] = await db.query(
    `INSERT INTO communication_links (incident_id, name, channel, address, status, initiating_organisation_id, activated_at, closed_at)
     VALUES ($1, $2, $3, $4, $5::text, $6, CASE WHEN $5::text = 'ACTIVE' THEN now() END, CASE WHEN $5::text = 'CLOSED' THEN now() END) RETURNING id`,
    [incidentId, fields.name ?? 'Fixture link', fields.channel ?? 'TELEPHONE_CONFERENCE', fields.address ?? `+46 8 465 004 ${randomBytes(2).readUInt16BE() % 100}-${randomBytes(4).toString('hex')}`, status, initiatorId],
  );
  await db.query(
    `INSERT INTO communication_link_participants (link_id, organisation_id, status, responded_at) VALUES ($1, $2, 'ACCEPTED', now())`,
    [row.id, initiatorId],
  );
  await db.query(`INSERT INTO communication_link_participants (link_id, organisation_id, status) SELECT $1, unnest($2::uuid[]), 'INVITED'`, [row.id, inviteeIds]);
  return row.id;
}
