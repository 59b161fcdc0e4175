import { verifyAuditChain, type Queryable } from '../audit/audit-chain.verifier.js';

export interface Violation {
  invariant: 1 | 2 | 3 | 4 | 5 | 7;
  entity: string;
  message: string;
}

const LIMIT = 1000;

/**
 * Checks DESIGN.md's invariants 1–5 and 7 over a whole database, from the loans, requests, reports
 * and audit events themselves (not from the counters that are meant to follow them):
 * 1 holdings: committed = Σ ACCEPTED/DISPATCHED loans, 0 ≤ committed ≤ total;
 * 2 requests: filled = Σ ACCEPTED/DISPATCHED/RETURNED loans ≤ requested, status follows;
 * 3 loans: a status of the contract with the timestamps its transitions leave, lent by the holding's organisation;
 * 4 reports: versions 1…n per (incident, organisation), no gap, no duplicate, each superseding the one before;
 * 5 audit: one gapless hash chain that recomputes;
 * 7 staff log: entry numbers 1…n per incident, no gap, no duplicate, the counter at n; each entry's
 *   status that of its latest follow-up that set one (its status when written, without one); its
 *   title and text those its audit event's digest recorded.
 */
export async function verifyInvariants(db: Queryable): Promise<Violation[]> {
  const v: Violation[] = [];
  const add = (invariant: Violation['invariant'], rows: { entity: string; message: string }[]) => v.push(...rows.map((r) => ({ invariant, ...r })));

  add(
    1,
    await db.query(
      `SELECT 'holding ' || h.id AS entity,
              format('quantity_committed %s, loans hold %s, quantity_total %s', h.quantity_committed, coalesce(l.held, 0), h.quantity_total) AS message
         FROM resource_holdings h
         LEFT JOIN (SELECT holding_id, sum(quantity)::int AS held FROM resource_loans WHERE status IN ('ACCEPTED','DISPATCHED') GROUP BY holding_id) l
           ON l.holding_id = h.id
        WHERE h.quantity_committed <> coalesce(l.held, 0) OR coalesce(l.held, 0) > h.quantity_total OR h.quantity_total < 0
        LIMIT ${LIMIT}`,
    ),
  );

  add(
    2,
    await db.query(
      `SELECT 'request ' || r.id AS entity,
              format('status %s, quantity_filled %s, loans fill %s, quantity_requested %s', r.status, r.quantity_filled, coalesce(l.filled, 0), r.quantity_requested) AS message
         FROM resource_requests r
         LEFT JOIN (SELECT request_id, sum(quantity)::int AS filled FROM resource_loans WHERE status IN ('ACCEPTED','DISPATCHED','RETURNED') GROUP BY request_id) l
           ON l.request_id = r.id
        WHERE r.quantity_filled <> coalesce(l.filled, 0)
           OR coalesce(l.filled, 0) > r.quantity_requested
           OR (r.status NOT IN ('CANCELLED','CLOSED') AND r.status <> CASE
                 WHEN coalesce(l.filled, 0) = 0 THEN 'OPEN'
                 WHEN coalesce(l.filled, 0) < r.quantity_requested THEN 'PARTIALLY_FILLED'
                 ELSE 'FILLED' END)
        LIMIT ${LIMIT}`,
    ),
  );

  add(
    3,
    await db.query(
      `SELECT 'loan ' || l.id AS entity, format('status %s with accepted_at %s, dispatched_at %s, returned_at %s, lender %s, holding owner %s',
              l.status, l.accepted_at, l.dispatched_at, l.returned_at, l.lending_organisation_id, h.organisation_id) AS message
         FROM resource_loans l JOIN resource_holdings h ON h.id = l.holding_id
        WHERE l.status NOT IN ('OFFERED','ACCEPTED','DECLINED','DISPATCHED','RETURNED','WITHDRAWN','CANCELLED')
           OR (l.status IN ('ACCEPTED','DISPATCHED','RETURNED','CANCELLED') AND l.accepted_at IS NULL)
           OR (l.status IN ('OFFERED','DECLINED') AND l.accepted_at IS NOT NULL)
           OR ((l.status IN ('DISPATCHED','RETURNED')) <> (l.dispatched_at IS NOT NULL))
           OR ((l.status = 'RETURNED') <> (l.returned_at IS NOT NULL))
           OR l.lending_organisation_id <> h.organisation_id
           OR l.quantity <= 0
        LIMIT ${LIMIT}`,
    ),
  );

  add(
    4,
    await db.query(
      `WITH numbered AS (
         SELECT r.id, r.incident_id, r.organisation_id, r.version, r.supersedes_id,
                row_number() OVER (PARTITION BY r.incident_id, r.organisation_id ORDER BY r.version, r.id) AS expected,
                lag(r.id) OVER (PARTITION BY r.incident_id, r.organisation_id ORDER BY r.version, r.id) AS previous
           FROM situation_reports r)
       SELECT 'report ' || id AS entity,
              format('incident %s, organisation %s: version %s where %s was due%s', incident_id, organisation_id, version, expected,
                     CASE WHEN supersedes_id IS DISTINCT FROM previous THEN ', supersedes the wrong report' ELSE '' END) AS message
         FROM numbered
        WHERE version <> expected OR supersedes_id IS DISTINCT FROM previous
        LIMIT ${LIMIT}`,
    ),
  );

  add(
    7,
    await db.query(
      `WITH numbered AS (
         SELECT e.id, e.incident_id, e.number, row_number() OVER (PARTITION BY e.incident_id ORDER BY e.number, e.id) AS expected
           FROM log_entries e)
       SELECT 'log entry ' || id AS entity, format('incident %s: number %s where %s was due', incident_id, number, expected) AS message
         FROM numbered WHERE number <> expected
       UNION ALL
       SELECT 'incident ' || c.incident_id, format('log counter at %s, entries numbered up to %s', c.last_number, coalesce(m.last, 0))
         FROM log_counters c LEFT JOIN (SELECT incident_id, max(number) AS last FROM log_entries GROUP BY incident_id) m ON m.incident_id = c.incident_id
        WHERE c.last_number <> coalesce(m.last, 0)
       UNION ALL
       SELECT 'incident ' || m.incident_id, format('log entries numbered up to %s without a counter', m.last)
         FROM (SELECT incident_id, max(number) AS last FROM log_entries GROUP BY incident_id) m
        WHERE NOT EXISTS (SELECT 1 FROM log_counters c WHERE c.incident_id = m.incident_id)
       UNION ALL
       SELECT 'log entry ' || e.id, format('status %s, latest follow-up says %s', e.status, coalesce(u.status, e.initial_status))
         FROM log_entries e
         LEFT JOIN LATERAL (SELECT status FROM log_entry_updates u WHERE u.entry_id = e.id AND u.status IS NOT NULL
                             ORDER BY u.created_at DESC, u.id DESC LIMIT 1) u ON true
        WHERE e.status <> coalesce(u.status, e.initial_status)
       UNION ALL
       SELECT 'log entry ' || e.id, 'its title or text differs from what its audit event recorded when it was written'
         FROM log_entries e JOIN audit_events a ON a.action = 'logEntry.write' AND a.entity_type = 'LogEntry' AND a.entity_id = e.id
        -- Entries written before the digest was recorded have none to check against.
        WHERE a.details::jsonb ? 'contentDigest' AND (a.details::jsonb ->> 'contentDigest') <> encode(sha256(convert_to(e.title || E'\\n' || coalesce(e.text, ''), 'UTF8')), 'hex')
       LIMIT ${LIMIT}`,
    ),
  );

  const chain = await verifyAuditChain(db);
  if (!chain.valid) {
    add(5, [{ entity: `audit event ${chain.firstInvalidSequence}`, message: `the hash chain breaks after ${chain.checkedEvents} valid events` }]);
  }
  return v;
}
