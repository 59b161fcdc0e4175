import type { EntityManager } from 'typeorm';
import { DEMO_INCIDENT } from './demo-region.data.js';

type LoanState = 'OFFERED' | 'ACCEPTED' | 'DISPATCHED' | 'RETURNED' | 'DECLINED' | 'WITHDRAWN' | 'CANCELLED';

/** The path through the contract's transitions to each state (the database refuses any other). */
const PATH: Record<LoanState, string[]> = {
  OFFERED: [],
  ACCEPTED: ['ACCEPTED'],
  DISPATCHED: ['ACCEPTED', 'DISPATCHED'],
  RETURNED: ['ACCEPTED', 'DISPATCHED', 'RETURNED'],
  DECLINED: ['DECLINED'],
  WITHDRAWN: ['WITHDRAWN'],
  CANCELLED: ['ACCEPTED', 'CANCELLED'],
};

/** One request a row: who asks for what, how urgently, where, why, and the loans offered against it. */
type DemoRequest = [
  org: string,
  type: string,
  quantity: number,
  priority: 'LOW' | 'NORMAL' | 'HIGH' | 'LIFE_SAVING',
  hoursAgo: number,
  place: string,
  lat: number,
  lng: number,
  justification: string,
  loans: [lender: string, quantity: number, state: LoanState][],
];

/** In the demo storm: one open, two partly filled and one filled request, with loans in every state. */
export const DEMO_RESOURCE_REQUESTS: DemoRequest[] = [
  ['NORRTALJE', 'GENERATOR-20KVA', 6, 'LIFE_SAVING', 16, 'Norrtälje sjukhus, reservkraft hemtjänst', 59.754, 18.689, 'Äldreboenden utan el; reservkraften räcker till i kväll.', [
    ['ELLEVIO', 3, 'DISPATCHED'], ['REGION-STHLM', 2, 'ACCEPTED'], ['TELIA', 1, 'OFFERED'], ['SSBF', 1, 'WITHDRAWN'],
  ]],
  ['OSTERAKER', 'WATER-TANK-1M3', 4, 'HIGH', 12, 'Åkersberga centrum, trygghetspunkt', 59.479, 18.298, 'Vattenverket står utan el; dricksvatten till trygghetspunkten.', [
    ['NORRVATTEN', 4, 'DISPATCHED'], ['FM-MRM', 2, 'DECLINED'],
  ]],
  ['VALLENTUNA', 'POSOM-TEAM', 2, 'NORMAL', 6, 'Vallentuna kyrka', 59.534, 18.081, 'Stöd till drabbade familjer efter olyckan på väg 268.', [
    ['RODAKORSET-STHLM', 1, 'OFFERED'], ['SVENSKA-KYRKAN-STHLM', 1, 'WITHDRAWN'],
  ]],
  ['NORRTALJE', 'SHELTER-PLACES', 100, 'HIGH', 10, 'Campus Roslagen, trygghetspunkt', 59.76, 18.7, 'Evakuering av boende i Rimbo utan värme.', [
    ['RODAKORSET-STHLM', 25, 'ACCEPTED'], ['FM-MRM', 50, 'CANCELLED'], ['FM-MRM', 20, 'RETURNED'],
  ]],
];

/**
 * Resource requests and loans in the demo incident. Loaded once: nothing is added when the
 * incident already has requests. Loans move through the database's own transitions, so the
 * holdings' and requests' quantities are what the triggers compute from them.
 */
export async function loadDemoResources(m: EntityManager): Promise<void> {
  const [{ present }] = await m.query(
    `SELECT EXISTS (SELECT 1 FROM resource_requests r JOIN incidents i ON i.id = r.incident_id WHERE i.reference = $1) AS present`,
    [DEMO_INCIDENT.reference],
  );
  if (present) return;
  for (const [org, type, quantity, priority, hoursAgo, place, lat, lng, justification, loans] of DEMO_RESOURCE_REQUESTS) {
    const [request] = await m.query(
      `INSERT INTO resource_requests (incident_id, requesting_organisation_id, resource_type_id, quantity_requested, priority,
              needed_by, delivery_latitude, delivery_longitude, delivery_location_name, justification, created_at, updated_at)
       SELECT i.id, o.id, t.id, $4::int, $5::varchar, now() + interval '6 hours', $6::float8, $7::float8, $8::varchar, $9::varchar,
              now() - make_interval(hours => $10::int), now() - make_interval(hours => $10::int)
         FROM incidents i, organisations o, resource_types t WHERE i.reference = $1 AND o.code = $2 AND t.code = $3
       RETURNING id`,
      [DEMO_INCIDENT.reference, org, type, quantity, priority, lat, lng, place, justification, hoursAgo],
    );
    for (const [lender, lent, state] of loans) {
      const [loan] = await m.query(
        `INSERT INTO resource_loans (request_id, holding_id, lending_organisation_id, quantity, offered_at)
         SELECT $1, h.id, h.organisation_id, $4::int, now() - make_interval(hours => $5::int)
           FROM resource_holdings h JOIN organisations o ON o.id = h.organisation_id JOIN resource_types t ON t.id = h.resource_type_id
          WHERE o.code = $2 AND t.code = $3
         RETURNING id`,
        [request.id, lender, type, lent, hoursAgo - 1],
      );
      for (const status of PATH[state]) {
        const stamp = status === 'ACCEPTED' ? ', accepted_at = now()' : status === 'DISPATCHED' ? ', dispatched_at = now()' : status === 'RETURNED' ? ', returned_at = now()' : '';
        await m.query(`UPDATE resource_loans SET status = $2, updated_at = now()${stamp} WHERE id = $1`, [loan.id, status]);
      }
    }
  }
}
