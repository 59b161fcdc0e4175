import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { countStatements } from './support/count-statements.js';
import { createOrganisation, userSession } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

/** Scenario 3 of `npm run bench` (INCIDENTS in bench/run.mjs), verbatim. */
const INCIDENTS = `query Incidents($first: Int!) { incidents(first: $first) { totalCount nodes {
  id reference title status
  participants { lead organisation { id name } }
  situationReports(first: 3) { totalCount nodes { id version operationalStatus submittedAt } }
} } }`;

describe('incidents(first: n) with participants and reports (bench scenario 3)', () => {
  it('costs the same fixed number of SQL statements for 5 and for 50 incidents', async () => {
    const coordinator = await userSession(hub, 'COORDINATOR');
    const orgs = [coordinator.organisationId];
    for (let i = 0; i < 5; i++) orgs.push((await createOrganisation(hub.db)).id);
    // 50 incidents, the newest of the run (tests run one file at a time), each with the 6
    // organisations taking part and 4 reports from each (every third RESTRICTED).
    const incidents: { id: string }[] = await hub.db.query(
      `INSERT INTO incidents (reference, title, description, category, lead_organisation_id, created_at)
       SELECT 'S3-' || left(md5(random()::text), 16), 'Scenario 3 ' || g, 'Fixture', 'STORM', $1, now() + g * interval '1 microsecond'
         FROM generate_series(1, 50) g RETURNING id`,
      [orgs[0]],
    );
    const ids = incidents.map((i) => i.id);
    await hub.db.query(
      `INSERT INTO incident_participants (incident_id, organisation_id, lead) SELECT i, o, o = $2 FROM unnest($1::uuid[]) i, unnest($3::uuid[]) o`,
      [ids, orgs[0], orgs],
    );
    for (let v = 1; v <= 4; v++) {
      await hub.db.query(
        `INSERT INTO situation_reports (incident_id, organisation_id, version, supersedes_id, operational_status, situation, visibility)
         SELECT i, o, $3::int, (SELECT p.id FROM situation_reports p WHERE p.incident_id = i AND p.organisation_id = o AND p.version = $3::int - 1),
                'STRAINED', 'Läget', CASE WHEN $3::int % 3 = 0 THEN 'RESTRICTED' ELSE 'ALL_PARTICIPANTS' END
           FROM unnest($1::uuid[]) i, unnest($2::uuid[]) o`,
        [ids, orgs, v],
      );
    }

    await hub.gql(INCIDENTS, { first: 5 }, coordinator.headers);
    let small: any;
    let large: any;
    const forSmall = await countStatements(hub, async () => (small = await hub.gql(INCIDENTS, { first: 5 }, coordinator.headers)));
    const forLarge = await countStatements(hub, async () => (large = await hub.gql(INCIDENTS, { first: 50 }, coordinator.headers)));
    expect(small.body.errors).toBeUndefined();
    expect(large.body.errors).toBeUndefined();
    const nodes = large.body.data.incidents.nodes;
    expect(nodes.map((n: any) => n.id).sort()).toEqual([...ids].sort());
    for (const n of nodes) {
      expect(n.participants).toHaveLength(6);
      expect(n.participants.filter((p: any) => p.lead)).toEqual([{ lead: true, organisation: expect.objectContaining({ id: orgs[0] }) }]);
      // The RESTRICTED version 3 of the five other organisations is not addressed to the coordinator.
      expect(n.situationReports.totalCount).toBe(19);
      expect(n.situationReports.nodes).toHaveLength(3);
    }
    // 5 statements, whatever the number of incidents (the caller's authentication is the
    // principal cache's, warm since the warm-up): the total, the page, then one batch per nested list: the participants, their organisations (through
    // the organisations feature's loader: features own their tables), and the report pages with
    // their counts.
    expect(forSmall.count).toBe(5);
    expect(forLarge.count).toBe(5);
    expect(new Set(forLarge.statements).size).toBe(forLarge.statements.length);
  });
});
