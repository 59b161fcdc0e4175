import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** A short random tag: each test file makes rows of its own that no other file can collide with. */
export function uniqueTag(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

export interface OrganisationRow {
  id: string;
  code: string;
  name: string;
  kind: string;
}

export async function createOrganisation(
  db: DataSource,
  fields: Partial<{ code: string; name: string; kind: string; dutyOfficerPhone: string; email: string; active: boolean }> = {},
): Promise<OrganisationRow> {
  const tag = uniqueTag();
  const [row] = await db.query(
    `INSERT INTO organisations (code, name, kind, duty_officer_phone, email, active)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, code, name, kind`,
    [
      fields.code ?? `ORG-${tag}`,
      fields.name ?? `Organisation ${tag}`,
      fields.kind ?? 'MUNICIPALITY',
      fields.dutyOfficerPhone ?? '+46 8 465 004 99',
      fields.email ?? null,
      fields.active ?? true,
    ],
  );
  return row;
}
