// The baseline's hand-written SQL: the principal look-up as a statement of its own (PRINCIPAL_SQL,
// as the hub's), then one statement per operation that returns the response body as JSON text,
// exactly as the hub answers for the same request and principal. The operation's statement gets
// the principal as parameters ($1 user id, $2 role, $3 organisation), the CTE `me`, so that the
// planner sees the role and organisation as values (issue 19: with the look-up folded into every
// statement, scenario 3's statement took 312 ms instead of 94 ms).

/** ISO 8601 with milliseconds in UTC, as JavaScript's Date#toISOString prints it. */
const iso = (e) => `to_char((${e}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** $1 user id, $2 session id: the hub's principal look-up for a user's access token. */
export const PRINCIPAL_SQL = `
SELECT u.id, u.role, u.organisation_id FROM users u JOIN organisations o ON o.id = u.organisation_id
 WHERE u.id = $1 AND u.active AND o.active
   AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = $2 AND t.revoked_at IS NOT NULL)`;

/**
 * The principal, from the look-up, as the parameters $1–$3 of every operation's statement.
 * NOT MATERIALIZED: a CTE named more than once is otherwise computed once and scanned, and the
 * planner cannot fold the role test into the plan (scenario 3's statement, full data set on a
 * busy machine: 450 ms materialized, 210 ms inlined).
 */
const ME = `me AS NOT MATERIALIZED (SELECT $1::uuid AS id, $2::text AS role, $3::uuid AS organisation_id)`;

const SEES = (incident) => `(me.role IN ('ADMIN','COORDINATOR')
  OR EXISTS (SELECT 1 FROM incident_participants vp WHERE vp.incident_id = ${incident} AND vp.organisation_id = me.organisation_id))`;

const READABLE = `(me.role = 'ADMIN' OR r.visibility = 'ALL_PARTICIPANTS' OR r.organisation_id = me.organisation_id
  OR EXISTS (SELECT 1 FROM situation_report_recipients vr WHERE vr.report_id = r.id AND vr.organisation_id = me.organisation_id))`;

/** Scenario 1: $4 incident id. */
export const PICTURE_SQL = `
WITH ${ME},
inc AS (SELECT i.* FROM incidents i, me WHERE i.id = $4 AND ${SEES('i.id')}),
lines AS (
  SELECT ip.lead, ip.joined_at, ip.organisation_id, o.code, o.name, lr.*
    FROM inc JOIN incident_participants ip ON ip.incident_id = inc.id JOIN organisations o ON o.id = ip.organisation_id
    CROSS JOIN me
    LEFT JOIN LATERAL (
      SELECT r.id, r.version, r.operational_status, r.situation, r.visibility, r.submitted_at, r.next_report_due_at, r.author_user_id,
             NOT EXISTS (SELECT 1 FROM situation_reports n WHERE n.incident_id = r.incident_id AND n.organisation_id = r.organisation_id AND n.version > r.version) AS latest
        FROM situation_reports r
       WHERE r.incident_id = ip.incident_id AND r.organisation_id = ip.organisation_id AND ${READABLE}
       ORDER BY r.version DESC LIMIT 1) lr ON true
)
SELECT (SELECT count(*) FROM inc) AS found, json_build_object('data', json_build_object('operationalPicture', json_build_object(
  'notReportedCount', (SELECT count(*) FROM lines WHERE id IS NULL),
  'statusCounts', (SELECT json_agg(json_build_object('status', s, 'count', (SELECT count(*) FROM lines WHERE operational_status = s)) ORDER BY ord)
                     FROM unnest(ARRAY['NORMAL','STRAINED','SEVERELY_STRAINED','CRITICAL']) WITH ORDINALITY AS x(s, ord)),
  'incident', (SELECT json_build_object('id', id, 'reference', reference, 'title', title, 'status', status) FROM inc),
  'participants', (SELECT coalesce(json_agg(json_build_object(
       'organisation', json_build_object('id', l.organisation_id, 'code', l.code, 'name', l.name),
       'operationalStatus', l.operational_status,
       'reportOverdue', coalesce(l.latest AND l.next_report_due_at < now(), false),
       'latestReport', CASE WHEN l.id IS NULL THEN NULL ELSE json_build_object(
         'id', l.id, 'version', l.version, 'latest', l.latest, 'situation', l.situation, 'visibility', l.visibility,
         'submittedAt', ${iso('l.submitted_at')}, 'nextReportDueAt', ${iso('l.next_report_due_at')},
         'author', (SELECT json_build_object('id', u.id, 'displayName', u.display_name) FROM users u WHERE u.id = l.author_user_id),
         'recipients', (SELECT coalesce(json_agg(json_build_object('id', rr.organisation_id) ORDER BY rr.organisation_id), '[]')
                          FROM situation_report_recipients rr WHERE rr.report_id = l.id),
         'acknowledgements', (SELECT coalesce(json_agg(json_build_object('organisation', json_build_object('id', a.organisation_id),
                                                                          'acknowledgedAt', ${iso('a.acknowledged_at')})
                                                       ORDER BY a.acknowledged_at, a.organisation_id), '[]')
                                FROM situation_report_acknowledgements a WHERE a.report_id = l.id)) END)
       ORDER BY l.lead DESC, l.joined_at, l.organisation_id), '[]') FROM lines l),
  'openResourceRequests', (SELECT coalesce(json_agg(json_build_object('id', r.id, 'quantityRequested', r.quantity_requested,
                              'quantityFilled', r.quantity_filled, 'priority', r.priority, 'status', r.status)
                            ORDER BY CASE r.priority WHEN 'LIFE_SAVING' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'NORMAL' THEN 2 ELSE 3 END,
                                     r.needed_by ASC NULLS LAST, r.created_at, r.id), '[]')
                             FROM resource_requests r, inc WHERE r.incident_id = inc.id AND r.status IN ('OPEN','PARTIALLY_FILLED')),
  'activeCommunicationLinks', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'channel', c.channel, 'address', c.address)
                                 ORDER BY c.created_at, c.id), '[]')
                                 FROM communication_links c, inc WHERE c.incident_id = inc.id AND c.status = 'ACTIVE')
)))::text AS body`;

/** Scenario 3: $4 page size. */
export const INCIDENTS_SQL = `
WITH ${ME},
page AS (SELECT i.* FROM incidents i, me WHERE ${SEES('i.id')} ORDER BY i.created_at DESC, i.id DESC LIMIT $4)
SELECT 1 AS found, json_build_object('data', json_build_object('incidents', json_build_object(
  'totalCount', (SELECT count(*) FROM incidents i, me WHERE ${SEES('i.id')}),
  'nodes', (SELECT coalesce(json_agg(json_build_object(
      'id', p.id, 'reference', p.reference, 'title', p.title, 'status', p.status,
      'participants', (SELECT json_agg(json_build_object('lead', ip.lead, 'organisation', json_build_object('id', o.id, 'name', o.name))
                                       ORDER BY ip.lead DESC, ip.joined_at, ip.organisation_id)
                         FROM incident_participants ip JOIN organisations o ON o.id = ip.organisation_id WHERE ip.incident_id = p.id),
      'situationReports', json_build_object(
        'totalCount', (SELECT count(*) FROM situation_reports r, me WHERE r.incident_id = p.id AND ${READABLE}),
        'nodes', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'version', x.version, 'operationalStatus', x.operational_status,
                                                             'submittedAt', ${iso('x.submitted_at')}) ORDER BY x.submitted_at DESC, x.id DESC), '[]')
                    FROM (SELECT r.id, r.version, r.operational_status, r.submitted_at FROM situation_reports r, me
                           WHERE r.incident_id = p.id AND ${READABLE} ORDER BY r.submitted_at DESC, r.id DESC LIMIT 3) x)))
      ORDER BY p.created_at DESC, p.id DESC), '[]') FROM page p)
)))::text AS body`;

/**
 * Scenario 2: the same rows as the hub's submitSituationReport with an Idempotency-Key: the
 * participant's version counter, the report, its audit event chained onto the head (the hash
 * computed in SQL over exactly the bytes AuditChainWriter hashes), and the idempotency key
 * with its response. $4 incident, $5 status, $6 situation, $7 principal key, $8 idempotency
 * key, $9 request fingerprint, $10 request id, $11 client address.
 * One statement sees one snapshot: concurrent submits of the same organisation in the same
 * incident would not see each other's previous version, so the bench gives every connection
 * an (incident, organisation) pair of its own.
 */
export const SUBMIT_SQL = `
WITH ${ME},
dup AS (SELECT response FROM idempotency_keys WHERE principal = $7 AND key = $8),
inc AS (SELECT i.id FROM incidents i, me WHERE i.id = $4 AND i.status <> 'CLOSED' AND ${SEES('i.id')}
           AND NOT EXISTS (SELECT 1 FROM dup) FOR SHARE OF i),
ctr AS (UPDATE incident_participants p SET report_versions = p.report_versions + 1 FROM inc, me
         WHERE p.incident_id = inc.id AND p.organisation_id = me.organisation_id
        RETURNING p.report_versions AS version, p.incident_id, p.organisation_id),
rep AS (INSERT INTO situation_reports (incident_id, organisation_id, author_user_id, version, supersedes_id, operational_status, situation, visibility)
        SELECT c.incident_id, c.organisation_id, me.id, c.version,
               (SELECT s.id FROM situation_reports s WHERE s.incident_id = c.incident_id AND s.organisation_id = c.organisation_id AND s.version = c.version - 1),
               $5, $6, 'ALL_PARTICIPANTS' FROM ctr c, me
        RETURNING id, incident_id, organisation_id, version, operational_status, visibility, submitted_at),
body AS (SELECT rep.*, me.id AS user_id, json_build_object('data', json_build_object('submitSituationReport', json_build_object(
           'id', rep.id, 'version', rep.version, 'operationalStatus', rep.operational_status, 'visibility', rep.visibility,
           'submittedAt', ${iso('rep.submitted_at')})))::text AS text,
           date_trunc('milliseconds', clock_timestamp()) AS occurred_at
           FROM rep, me),
h0 AS (SELECT h.last_sequence + 1 AS seq, h.last_hash AS prev FROM audit_chain_head h, body WHERE h.id = 1 FOR UPDATE OF h),
ev AS (SELECT h0.seq, h0.prev, b.*, '{"incidentId":' || to_json(b.incident_id::text)::text || ',"version":' || b.version
            || ',"operationalStatus":' || to_json(b.operational_status::text)::text || ',"visibility":"ALL_PARTICIPANTS","recipientOrganisationIds":[]}' AS details
         FROM h0, body b),
hashed AS (SELECT ev.*, encode(sha256(convert_to(ev.prev || E'\\n' || '[' || ev.seq || ',' || to_json(${iso('ev.occurred_at')})::text
             || ',"situationReport.submit","SituationReport",' || to_json(ev.id::text)::text || ',' || to_json(ev.user_id::text)::text
             || ',null,' || to_json(ev.organisation_id::text)::text || ',' || to_json(ev.details)::text
             || ',' || coalesce(to_json($10::text)::text, 'null') || ',' || coalesce(to_json($11::text)::text, 'null') || ']', 'UTF8')), 'hex') AS hash
             FROM ev),
audit AS (INSERT INTO audit_events (sequence, occurred_at, action, entity_type, entity_id, actor_user_id, actor_organisation_id, details,
                                    request_id, client_address, prev_hash, hash)
          SELECT seq, occurred_at, 'situationReport.submit', 'SituationReport', id, user_id, organisation_id, details, $10, $11, prev, hash FROM hashed),
head AS (UPDATE audit_chain_head h SET last_sequence = hashed.seq, last_hash = hashed.hash FROM hashed WHERE h.id = 1),
idem AS (INSERT INTO idempotency_keys (principal, key, request_hash, response, completed_at)
         SELECT $7, $8, $9, body.text, now() FROM body ON CONFLICT DO NOTHING)
SELECT (SELECT count(*) FROM me) + (SELECT count(*) FROM inc) AS found, coalesce((SELECT text FROM body), (SELECT response FROM dup)) AS body`;

/** The small reads (issue 19): `situationReport(id)`, $4 the report; the hub's report.read rule. */
export const REPORT_SQL = `
WITH ${ME}
SELECT 1 AS found, json_build_object('data', json_build_object('situationReport', json_build_object(
  'id', r.id, 'version', r.version,
  'latest', NOT EXISTS (SELECT 1 FROM situation_reports n WHERE n.incident_id = r.incident_id AND n.organisation_id = r.organisation_id AND n.version > r.version),
  'operationalStatus', r.operational_status, 'situation', r.situation, 'visibility', r.visibility,
  'submittedAt', ${iso('r.submitted_at')},
  'organisation', json_build_object('id', o.id, 'name', o.name))))::text AS body
  FROM situation_reports r JOIN organisations o ON o.id = r.organisation_id, me
 WHERE r.id = $4 AND ${SEES('r.incident_id')} AND ${READABLE}`;

/** `organisations(first: $4)`: the directory, ordered by name, any principal. */
export const ORGANISATIONS_SQL = `
WITH ${ME}, page AS (SELECT o.id, o.code, o.name, o.kind FROM organisations o ORDER BY lower(o.name), o.id LIMIT $4)
SELECT (SELECT count(*) FROM me) AS found, json_build_object('data', json_build_object('organisations', json_build_object(
  'totalCount', (SELECT count(*) FROM organisations),
  'nodes', (SELECT coalesce(json_agg(json_build_object('id', p.id, 'code', p.code, 'name', p.name, 'kind', p.kind)
                                     ORDER BY lower(p.name), p.id), '[]') FROM page p))))::text AS body`;

/** `resourceRequest(id)`, $4 the request: whoever sees its incident. */
export const REQUEST_SQL = `
WITH ${ME}
SELECT 1 AS found, json_build_object('data', json_build_object('resourceRequest', json_build_object(
  'id', r.id, 'status', r.status, 'priority', r.priority, 'quantityRequested', r.quantity_requested,
  'quantityFilled', r.quantity_filled, 'createdAt', ${iso('r.created_at')},
  'requestingOrganisation', json_build_object('id', o.id, 'name', o.name))))::text AS body
  FROM resource_requests r JOIN organisations o ON o.id = r.requesting_organisation_id, me
 WHERE r.id = $4 AND ${SEES('r.incident_id')}`;
