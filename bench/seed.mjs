// Seeds the benchmark's data set in bulk (generate_series, one statement per table), on one
// connection. Every timestamp is truncated to milliseconds, so that the hub (JavaScript Dates)
// and the baseline (to_char in SQL) print the same instants.

const STATUSES = `ARRAY['NORMAL','STRAINED','SEVERELY_STRAINED','CRITICAL']`;
const KINDS = `ARRAY['MUNICIPALITY','POLICE','RESCUE_SERVICE','REGION','UTILITY','GOVERNMENT_AGENCY','VOLUNTARY_ORGANISATION']`;
const CATEGORIES = `ARRAY['STORM','FLOOD','POWER_OUTAGE','WILDFIRE','WATER_SUPPLY']`;
const TYPE_CATEGORIES = `ARRAY['PERSONNEL','TEAM','VEHICLE','EQUIPMENT','SUPPLIES','FACILITY']`;
const PRIORITIES = `ARRAY['LOW','NORMAL','HIGH','LIFE_SAVING']`;
const CHANNELS = `ARRAY['RAKEL_TALKGROUP','TELEPHONE_CONFERENCE','VIDEO_CONFERENCE','LIAISON_OFFICER']`;
export const STORM_HOLDINGS = 20;
export const STORM_LOANS = 200;
export const STORM_QUANTITY = 5;

/**
 * sizes: { organisations, incidents, active, participants, reports, requests, holdings }.
 * Returns what the scenarios need: ids of incidents, users, and the accept storm's loans.
 */
export async function seed(client, sizes, passwordHash, log = () => undefined) {
  const { organisations: O, incidents: I, active: A, participants: P, reports: R, requests: Q, holdings: H } = sizes;
  if (P > O) throw new Error('--participants must not exceed --organisations');
  if (H > O * 20) throw new Error('--holdings must not exceed 20 × --organisations');
  if (A < 4 || A > I) throw new Error('--active must be between 4 and --incidents');
  const q = async (label, sql, params) => {
    const t = Date.now();
    const res = await client.query(sql, params);
    log(`  ${label}: ${res.rowCount ?? ''} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    return res;
  };
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET maintenance_work_mem = '256MB'`);
  await client.query(`SET work_mem = '64MB'`);

  await q('organisations', `
    INSERT INTO organisations (name, code, kind, duty_officer_phone, email)
    SELECT 'Bench organisation ' || lpad(g::text, 4, '0'), 'B' || lpad(g::text, 4, '0'), (${KINDS})[1 + g % 7],
           '08-465 004 ' || lpad((g % 100)::text, 2, '0'), 'org' || g || '@bench.example'
      FROM generate_series(1, $1::int) g`, [O]);
  await client.query(`CREATE TEMP TABLE o AS SELECT row_number() OVER (ORDER BY code)::int AS n, id FROM organisations WHERE code LIKE 'B%'`);
  await client.query(`CREATE UNIQUE INDEX ON o (n)`);

  // One liaison officer per organisation; a coordinator and an admin in organisation 1.
  await q('users', `
    INSERT INTO users (organisation_id, email, display_name, role, password_hash)
    SELECT id, 'liaison' || n || '@bench.example', 'Samverkansperson ' || n, 'LIAISON_OFFICER', $1::text FROM o
    UNION ALL SELECT id, 'coordinator@bench.example', 'Samordnare', 'COORDINATOR', $1::text FROM o WHERE n = 1
    UNION ALL SELECT id, 'admin@bench.example', 'Administratör', 'ADMIN', $1::text FROM o WHERE n = 1`, [passwordHash]);
  await client.query(`CREATE TEMP TABLE u AS SELECT o.n, us.id AS user_id, o.id AS org_id FROM users us JOIN o ON o.id = us.organisation_id WHERE us.role = 'LIAISON_OFFICER'`);
  await client.query(`CREATE UNIQUE INDEX ON u (org_id)`);

  await q('resource types', `
    INSERT INTO resource_types (code, name, category, unit)
    SELECT 'BT' || lpad(g::text, 2, '0'), 'Bench type ' || g, (${TYPE_CATEGORIES})[1 + g % 6], 'st' FROM generate_series(1, 20) g
    UNION ALL SELECT 'BENCH-STORM', 'Reservkraftverk (storm)', 'EQUIPMENT', 'st'`);
  await client.query(`CREATE TEMP TABLE t AS SELECT row_number() OVER (ORDER BY code)::int AS n, id FROM resource_types WHERE code LIKE 'BT%'`);

  // Holding k: type k % 20, organisation (k / 20) % O: each (organisation, type) once.
  await q('holdings', `
    INSERT INTO resource_holdings (organisation_id, resource_type_id, quantity_total, latitude, longitude, location_name)
    SELECT o.id, t.id, 1000, 59 + (k % 97) / 100.0, 18 + (k % 89) / 100.0, 'Förråd ' || k
      FROM generate_series(0, $1::int - 1) k JOIN t ON t.n = k % 20 + 1 JOIN o ON o.n = (k / 20) % $2::int + 1`, [H, O]);
  await client.query(`CREATE TEMP TABLE h AS SELECT row_number() OVER (ORDER BY t.n, o.n)::int - 1 AS k, hd.id, hd.organisation_id, t.n AS type_n
    FROM resource_holdings hd JOIN t ON t.id = hd.resource_type_id JOIN o ON o.id = hd.organisation_id`);

  // Incidents: the newest A are ACTIVE, the others are closed or monitored below (after their requests exist).
  await q('incidents', `
    INSERT INTO incidents (reference, title, description, category, status, latitude, longitude, location_name, lead_organisation_id, started_at, created_at, updated_at)
    SELECT 'B-' || lpad(i::text, 6, '0'), 'Bench incident ' || i, 'Beskrivning av händelse ' || i, (${CATEGORIES})[1 + i % 5], 'ACTIVE',
           59.5, 18.5, 'Plats ' || i, o.id, x.ts, x.ts, x.ts
      FROM generate_series(1, $1::int) i
      CROSS JOIN LATERAL (SELECT date_trunc('milliseconds', now()) - interval '2 hours' - ($1::int - i) * interval '37 minutes' AS ts) x
      JOIN o ON o.n = (i * 7) % $2::int + 1`, [I, O]);
  await client.query(`CREATE TEMP TABLE inc AS SELECT row_number() OVER (ORDER BY reference)::int AS n, id, created_at FROM incidents WHERE reference LIKE 'B-%'`);
  await client.query(`CREATE UNIQUE INDEX ON inc (n)`);

  await q('participants', `
    INSERT INTO incident_participants (incident_id, organisation_id, lead, joined_at)
    SELECT inc.id, o.id, j = 0, inc.created_at + j * interval '1 second'
      FROM inc CROSS JOIN LATERAL generate_series(0, CASE WHEN inc.n > $1::int - $2::int THEN $3::int - 1 ELSE 4 END) j
      JOIN o ON o.n = (inc.n * 7 + j) % $4::int + 1`, [I, A, P, O]);
  // One line per participant: j is its joining order, versions how many reports it has.
  const activeLines = A * P;
  const otherLines = (I - A) * 5;
  const perActive = Math.max(1, Math.floor((otherLines ? 0.8 : 1) * R / activeLines));
  const perOther = otherLines ? Math.max(1, Math.floor((R - perActive * activeLines) / otherLines)) : 0;
  await client.query(`
    CREATE TEMP TABLE lines AS
    SELECT ip.incident_id, ip.organisation_id, inc.n AS inc_n, inc.created_at, (ip.joined_at - inc.created_at) AS offs,
           (row_number() OVER (PARTITION BY ip.incident_id ORDER BY ip.joined_at))::int - 1 AS j,
           count(*) OVER (PARTITION BY ip.incident_id)::int AS parts,
           CASE WHEN inc.n > $1::int - $2::int THEN $3::int ELSE $4::int END AS versions
      FROM incident_participants ip JOIN inc ON inc.id = ip.incident_id`, [I, A, perActive, perOther]);
  await client.query(`CREATE INDEX ON lines (incident_id, j)`);

  // Reports: every fifth version RESTRICTED, and the newest of every third line too (j % 3 = 1),
  // addressed to the participant two places on (j + 2); the newest of every fourth line is overdue.
  await client.query(`
    CREATE TEMP TABLE g AS
    SELECT gen_random_uuid() AS id, l.incident_id, l.organisation_id, l.j, l.parts, l.versions, v,
           (v % 5 = 0 OR (v = l.versions AND l.j % 3 = 1)) AS restricted,
           date_trunc('milliseconds', l.created_at + l.offs + interval '90 minutes' * v / l.versions) AS submitted_at
      FROM lines l CROSS JOIN LATERAL generate_series(1, l.versions) v`);
  await q('situation reports', `
    INSERT INTO situation_reports (id, incident_id, organisation_id, author_user_id, version, supersedes_id, operational_status,
                                   situation, consequences, visibility, submitted_at, next_report_due_at)
    SELECT g.id, g.incident_id, g.organisation_id, u.user_id, g.v,
           lag(g.id) OVER (PARTITION BY g.incident_id, g.organisation_id ORDER BY g.v),
           (${STATUSES})[1 + (g.v + g.j) % 4],
           'Lägesrapport ' || g.v || ': ' || repeat('Strömavbrott i norra delen, reservkraft i drift. ', 4),
           CASE WHEN g.v % 2 = 0 THEN 'Påverkan på verksamheten: begränsad.' END,
           CASE WHEN g.restricted THEN 'RESTRICTED' ELSE 'ALL_PARTICIPANTS' END,
           g.submitted_at,
           CASE WHEN g.v < g.versions THEN g.submitted_at + interval '1 hour'
                WHEN g.j % 4 = 3 THEN date_trunc('milliseconds', now()) - interval '10 minutes'
                ELSE date_trunc('milliseconds', now()) + interval '2 days' END
      FROM g JOIN u ON u.org_id = g.organisation_id`);
  await q('recipients', `
    INSERT INTO situation_report_recipients (report_id, incident_id, organisation_id)
    SELECT g.id, g.incident_id, l.organisation_id FROM g JOIN lines l ON l.incident_id = g.incident_id AND l.j = (g.j + 2) % g.parts
     WHERE g.restricted`);
  await q('report counters', `UPDATE incident_participants ip SET report_versions = l.versions FROM lines l
    WHERE ip.incident_id = l.incident_id AND ip.organisation_id = l.organisation_id`);
  // Acknowledgements of the newest reports of active incidents: by the participant two on
  // (the recipient of a RESTRICTED one), and by the one five on for ALL_PARTICIPANTS.
  await q('acknowledgements', `
    INSERT INTO situation_report_acknowledgements (report_id, organisation_id, acknowledged_by_user_id, acknowledged_at)
    SELECT g.id, l.organisation_id, u.user_id, g.submitted_at + interval '5 minutes' + d * interval '1 second'
      FROM g CROSS JOIN LATERAL (VALUES (2), (5)) AS a(d)
      JOIN lines l ON l.incident_id = g.incident_id AND l.j = (g.j + a.d) % g.parts
      JOIN u ON u.org_id = l.organisation_id
     WHERE g.v = g.versions AND g.parts > 5 AND (a.d = 2 OR NOT g.restricted)`);
  await client.query(`DROP TABLE g`);

  // Requests: the first 10 per active incident stay open (the picture lists them); the others
  // spread over all incidents. One loan each from a holding of the same type.
  await q('resource requests', `
    INSERT INTO resource_requests (incident_id, requesting_organisation_id, resource_type_id, quantity_requested, priority, needed_by,
                                   justification, created_at, updated_at)
    SELECT l.incident_id, l.organisation_id, t.id, 2 + k % 4, (${PRIORITIES})[1 + k % 4],
           date_trunc('milliseconds', now()) + (k % 48) * interval '1 hour', 'Behov ' || k, x.ts, x.ts
      FROM generate_series(0, $1::int - 1) k
      CROSS JOIN LATERAL (SELECT CASE WHEN k < $2::int * 10 THEN $3::int - $2::int + 1 + k % $2::int ELSE 1 + k % $3::int END AS inc_n) s
      JOIN inc ON inc.n = s.inc_n
      JOIN lines l ON l.incident_id = inc.id AND l.j = (k / 7) % l.parts
      JOIN t ON t.n = k % 20 + 1
      CROSS JOIN LATERAL (SELECT date_trunc('milliseconds', inc.created_at + k * interval '1 millisecond' + interval '10 minutes') AS ts) x`, [Q, A, I]);
  const typeCount = Math.min(20, H);
  const perType = Math.max(1, Math.floor(H / typeCount));
  await q('resource loans', `
    INSERT INTO resource_loans (request_id, holding_id, lending_organisation_id, quantity, note, offered_at, updated_at)
    SELECT r.id, h.id, h.organisation_id, 1, 'Erbjudande', r.created_at + interval '1 minute', r.created_at + interval '1 minute'
      FROM (SELECT r.*, t.n AS type_n, row_number() OVER (ORDER BY r.created_at, r.id) AS k FROM resource_requests r JOIN t ON t.id = r.resource_type_id) r
      JOIN h ON h.type_n = r.type_n AND h.k = (r.type_n - 1) * $1::int + (r.k * 7) % $1::int
     WHERE h.organisation_id <> r.requesting_organisation_id`, [perType]);
  await client.query(`CREATE TEMP TABLE ln AS SELECT id, row_number() OVER (ORDER BY offered_at, id) % 10 AS d FROM resource_loans`);
  await q('loans accepted', `UPDATE resource_loans l SET status = 'ACCEPTED', accepted_at = l.offered_at + interval '1 minute' FROM ln WHERE ln.id = l.id AND ln.d <= 8`);
  await q('loans dispatched', `UPDATE resource_loans l SET status = 'DISPATCHED', dispatched_at = l.offered_at + interval '2 minutes' FROM ln WHERE ln.id = l.id AND ln.d IN (6, 7, 8)`);
  await q('loans returned', `UPDATE resource_loans l SET status = 'RETURNED', returned_at = l.offered_at + interval '3 minutes' FROM ln WHERE ln.id = l.id AND ln.d = 8`);

  await q('links', `
    INSERT INTO communication_links (incident_id, name, channel, address, schedule, status, initiating_organisation_id, created_at, updated_at, activated_at)
    SELECT inc.id, 'Samband ' || s, (${CHANNELS})[s], 'RG ' || inc.n || '-' || s, 'Dagligen 08:00', CASE WHEN s = 4 THEN 'PROPOSED' ELSE 'ACTIVE' END,
           i.lead_organisation_id, inc.created_at + s * interval '1 minute', inc.created_at + s * interval '1 minute',
           CASE WHEN s = 4 THEN NULL ELSE inc.created_at + s * interval '2 minutes' END
      FROM inc JOIN incidents i ON i.id = inc.id CROSS JOIN generate_series(1, 4) s WHERE inc.n > $1::int - $2::int`, [I, A]);

  // The accept storm: in the newest incident, STORM_LOANS offered loans of one unit from
  // STORM_HOLDINGS holdings of STORM_QUANTITY each (so at most 100 of 200 accepts fit).
  const storm = await q('accept-storm loans', `
    WITH si AS (SELECT id FROM inc WHERE n = $1::int),
    holders AS (SELECT o.id, row_number() OVER (ORDER BY o.n) - 1 AS k FROM o
                 WHERE NOT EXISTS (SELECT 1 FROM incident_participants ip, si WHERE ip.incident_id = si.id AND ip.organisation_id = o.id)
                 ORDER BY o.n LIMIT $2::int),
    st AS (SELECT id FROM resource_types WHERE code = 'BENCH-STORM'),
    hold AS (INSERT INTO resource_holdings (organisation_id, resource_type_id, quantity_total, location_name)
             SELECT holders.id, st.id, $4::int, 'Stormlager' FROM holders, st RETURNING id, organisation_id),
    hk AS (SELECT hold.*, holders.k FROM hold JOIN holders ON holders.id = hold.organisation_id),
    req AS (INSERT INTO resource_requests (incident_id, requesting_organisation_id, resource_type_id, quantity_requested, priority, justification)
            SELECT si.id, l.organisation_id, st.id, 1, 'NORMAL', 'Storm ' || k
              FROM generate_series(0, $3::int - 1) k, si, st, lines l WHERE l.incident_id = si.id AND l.j = k % l.parts
            RETURNING id, justification)
    INSERT INTO resource_loans (request_id, holding_id, lending_organisation_id, quantity, note)
    SELECT req.id, hk.id, hk.organisation_id, 1, req.justification FROM req JOIN hk ON hk.k = substr(req.justification, 7)::int % $2::int
    RETURNING id`, [I, STORM_HOLDINGS, STORM_LOANS, STORM_QUANTITY]);
  if (storm.rowCount !== STORM_LOANS) throw new Error(`the accept storm needs ${STORM_LOANS} loans, seeded ${storm.rowCount} (too few organisations outside the newest incident?)`);

  await q('incidents closed and monitored', `
    UPDATE incidents i SET status = CASE WHEN inc.n % 5 = 0 THEN 'MONITORING' ELSE 'CLOSED' END,
           closed_at = CASE WHEN inc.n % 5 = 0 THEN NULL ELSE inc.created_at + interval '1 hour' END
      FROM inc WHERE inc.id = i.id AND inc.n <= $1::int - $2::int`, [I, A]);

  const t = Date.now();
  await client.query(`VACUUM (ANALYZE)`);
  log(`  vacuum analyze (${((Date.now() - t) / 1000).toFixed(1)} s)`);

  const ids = (await client.query(`
    SELECT (SELECT json_agg(inc.id ORDER BY inc.n) FROM inc WHERE inc.n > $1::int - $2::int) AS active,
           (SELECT count(*)::int FROM situation_reports) AS reports,
           (SELECT count(*)::int FROM resource_loans) AS loans,
           (SELECT count(*)::int FROM resource_holdings) AS holdings,
           (SELECT count(*)::int FROM resource_requests) AS requests,
           (SELECT json_agg(id ORDER BY id) FROM resource_loans WHERE note LIKE 'Storm %') AS storm_loans`, [I, A])).rows[0];
  // The participants (organisation number n, in joining order) of every active incident.
  const lines = (await client.query(`
    SELECT l.incident_id, json_agg(json_build_object('organisationId', l.organisation_id, 'email', 'liaison' || o.n || '@bench.example') ORDER BY l.j) AS participants
      FROM lines l JOIN inc ON inc.id = l.incident_id JOIN o ON o.id = l.organisation_id
     WHERE inc.n > $1::int - $2::int GROUP BY l.incident_id`, [I, A])).rows;
  const participants = new Map(lines.map((r) => [r.incident_id, r.participants]));
  for (const table of ['o', 'u', 't', 'h', 'inc', 'lines', 'ln']) await client.query(`DROP TABLE ${table}`);
  return {
    activeIncidents: ids.active,
    participants: Object.fromEntries(participants),
    counts: { reports: ids.reports, loans: ids.loans, holdings: ids.holdings, requests: ids.requests },
    stormLoans: ids.storm_loans,
  };
}
