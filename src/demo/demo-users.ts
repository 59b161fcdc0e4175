import type { EntityManager } from 'typeorm';
import { hashPassword } from '../users/password.service.js';

export const DEMO_PASSWORD = 'Samverkan-demo-2026';

/** One login per role, in organisations that take part in the demo incident (and one that does not). */
export const DEMO_USERS = [
  { email: 'admin@hub.example', name: 'Hub-administratör', role: 'ADMIN', organisation: 'HUB' },
  { email: 'samordnare@lansstyrelsen.example', name: 'Regional samordnare', role: 'COORDINATOR', organisation: 'LANSSTYRELSEN-AB' },
  { email: 'samverkan@norrtalje.example', name: 'Samverkansperson Norrtälje', role: 'LIAISON_OFFICER', organisation: 'NORRTALJE' },
  { email: 'samverkan@polisen.example', name: 'Samverkansperson Polisen', role: 'LIAISON_OFFICER', organisation: 'POLISEN-STHLM' },
  { email: 'samverkan@ellevio.example', name: 'Samverkansperson Ellevio', role: 'LIAISON_OFFICER', organisation: 'ELLEVIO' },
  { email: 'samverkan@regionstockholm.example', name: 'Samverkansperson Region Stockholm', role: 'LIAISON_OFFICER', organisation: 'REGION-STHLM' },
  { email: 'tib@osteraker.example', name: 'Tjänsteman i beredskap Österåker', role: 'VIEWER', organisation: 'OSTERAKER' },
  { email: 'samverkan@nacka.example', name: 'Samverkansperson Nacka (deltar inte)', role: 'LIAISON_OFFICER', organisation: 'NACKA' },
] as const;

/** The demo users; the administrator's organisation (HUB) is made by a migration. */
export async function loadDemoUsers(m: EntityManager): Promise<void> {
  const hash = await hashPassword(DEMO_PASSWORD);
  await m.query(
    `INSERT INTO users (organisation_id, email, display_name, role, password_hash)
     SELECT o.id, u.email, u.name, u.role, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(email, name, role, org)
       JOIN organisations o ON o.code = u.org
     ON CONFLICT ((lower(email))) DO NOTHING`,
    [DEMO_USERS.map((u) => u.email), DEMO_USERS.map((u) => u.name), DEMO_USERS.map((u) => u.role), DEMO_USERS.map((u) => u.organisation), hash],
  );
}
