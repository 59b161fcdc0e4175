import { DataSource, type EntityManager } from 'typeorm';
import { loadDemoCommunicationLinks } from '../communication-links/demo-communication-links.js';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { DEMO_PASSWORD, DEMO_USERS, loadDemoUsers } from './demo-users.js';
import { loadDemoSituationReports } from './demo-situation-reports.js';
import { loadDemoStaffLog } from './demo-staff-log.js';
import { loadDemoResources } from './demo-resources.js';
import { DEMO_HOLDINGS_BY_KIND, DEMO_INCIDENT, DEMO_ORGANISATIONS, DEMO_RESOURCE_TYPES } from './demo-region.data.js';
import { DEMO_INCIDENT_SCENARIO, loadDemoScenarios } from './demo-scenarios.js';

/** The demo logins printed at start and listed in the README. */
export const DEMO_LOGINS = {
  password: DEMO_PASSWORD,
  users: DEMO_USERS.map((u) => ({ email: u.email, role: u.role, organisation: u.organisation })),
};

/** 08-465 004 00–99: reserved by PTS for fiction. */
export function demoPhone(index: number): string {
  return `+46 8 465 004 ${String(index).padStart(2, '0')}`;
}

/**
 * Loads the demo region. Idempotent: every row is keyed by a code or reference and inserted
 * only when missing, so running it again changes nothing. Returns false when the region was
 * already there.
 */
export async function loadDemoRegion(m: EntityManager): Promise<boolean> {
  const [{ present }] = await m.query(`SELECT EXISTS (SELECT 1 FROM incidents WHERE reference = $1) AS present`, [DEMO_INCIDENT.reference]);

  const orgs = DEMO_ORGANISATIONS;
  await m.query(
    `INSERT INTO organisations (code, name, kind, duty_officer_phone, email)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (code) DO NOTHING`,
    [
      orgs.map((o) => o.code),
      orgs.map((o) => o.name),
      orgs.map((o) => o.kind),
      orgs.map((_, i) => demoPhone(i)),
      orgs.map((o) => `tib@${o.code.toLowerCase()}.example`),
    ],
  );

  const types = DEMO_RESOURCE_TYPES;
  await m.query(
    `INSERT INTO resource_types (code, name, category, unit, description)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (code) DO NOTHING`,
    [types.map((t) => t.code), types.map((t) => t.name), types.map((t) => t.category), types.map((t) => t.unit), types.map((t) => t.description)],
  );

  const holdings = orgs.flatMap((o, i) =>
    (DEMO_HOLDINGS_BY_KIND[o.kind] ?? []).map(([type, base]) => ({
      org: o.code,
      type,
      // Vary the amounts between actors of the same kind, deterministically.
      quantity: Math.max(1, Math.round(base * (0.5 + ((i * 37) % 10) / 10))),
      lat: o.lat,
      lng: o.lng,
      place: o.place,
    })),
  );
  await m.query(
    `INSERT INTO resource_holdings (organisation_id, resource_type_id, quantity_total, latitude, longitude, location_name)
     SELECT o.id, t.id, h.quantity, h.lat, h.lng, h.place
       FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[], $5::float8[], $6::text[]) AS h(org, type, quantity, lat, lng, place)
       JOIN organisations o ON o.code = h.org
       JOIN resource_types t ON t.code = h.type
     ON CONFLICT (organisation_id, resource_type_id) DO NOTHING`,
    [holdings.map((h) => h.org), holdings.map((h) => h.type), holdings.map((h) => h.quantity), holdings.map((h) => h.lat), holdings.map((h) => h.lng), holdings.map((h) => h.place)],
  );

  await loadDemoScenarios(m);
  const inc = DEMO_INCIDENT;
  // Started from Norrtälje's "Storm" scenario (version 1), as Incident.scenarioVersion shows.
  await m.query(
    `INSERT INTO incidents (reference, title, description, category, status, latitude, longitude, location_name, lead_organisation_id, started_at, scenario_version_id)
     SELECT $1, $2, $3, $4, 'ACTIVE', $5, $6, $7, o.id, now() - interval '18 hours',
            (SELECT v.id FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = 1 WHERE s.name = $9 AND s.owner_organisation_id = o.id)
       FROM organisations o WHERE o.code = $8
     ON CONFLICT (reference) DO NOTHING`,
    [inc.reference, inc.title, inc.description, inc.category, inc.lat, inc.lng, inc.locationName, inc.lead, DEMO_INCIDENT_SCENARIO],
  );
  await m.query(
    `INSERT INTO incident_participants (incident_id, organisation_id, lead, joined_at)
     SELECT i.id, o.id, o.code = $2, i.started_at FROM incidents i JOIN organisations o ON o.code = ANY($3::text[])
      WHERE i.reference = $1
     ON CONFLICT DO NOTHING`,
    [inc.reference, inc.lead, inc.participants],
  );
  await loadDemoUsers(m);
  await loadDemoSituationReports(m);
  await loadDemoResources(m);
  await loadDemoCommunicationLinks(m, DEMO_INCIDENT.reference, DEMO_INCIDENT.participants);
  await loadDemoStaffLog(m);
  return !present;
}

/** Loads the demo region on its own connection, in one transaction. */
export async function seedDemoRegion(config: AppConfig): Promise<boolean> {
  const ds = new DataSource(dataSourceOptions(config, { poolSize: 1 }));
  await ds.initialize();
  try {
    return await ds.transaction((m) => loadDemoRegion(m));
  } finally {
    await ds.destroy();
  }
}
