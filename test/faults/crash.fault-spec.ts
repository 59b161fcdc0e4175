import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createApiKey, createOrganisation } from '../support/factories.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { insertIncident, SUBMIT_REPORT } from '../support/incident-fixtures.js';
import { insertHolding, insertResourceType } from '../support/resource-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { gqlCall, LoadRun } from './load.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let fixtures: TestApp;
let hub: HubProcess | undefined;

beforeAll(async () => {
  fixtures = await startTestApp(); // migrations and fixtures on the run's database
});
afterAll(async () => {
  if (hub && hub.child.exitCode === null) hub.child.kill('SIGKILL');
  await fixtures.close();
});

const PROPOSE = `mutation ($input: ProposeCommunicationLinkInput!) { proposeCommunicationLink(input: $input) { id } }`;
const REQUEST = `mutation ($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) { id } }`;
const OFFER = `mutation ($input: OfferResourceInput!) { offerResource(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResourceOffer(loanId: $id) { id status } }`;

it('after SIGKILL in the middle of a write-heavy load, a restarted hub has every acknowledged write and npm run verify passes', async () => {
  const db = fixtures.db;
  const [requester, lender, third] = await Promise.all([1, 2, 3].map(() => createOrganisation(db)));
  const incident = await insertIncident(db, [requester.id, lender.id, third.id]);
  const all = ['REPORTS_WRITE', 'REPORTS_READ', 'RESOURCES_WRITE', 'RESOURCES_READ', 'LINKS_WRITE', 'LINKS_READ', 'INCIDENTS_READ'];
  const [keyA, keyB, keyC] = await Promise.all([requester, lender, third].map((o) => createApiKey(db, o.id, all)));
  const type = await insertResourceType(db);
  const holding = await insertHolding(db, lender.id, type, 1_000_000);
  hub = await startHubProcess({ RATE_LIMIT_PER_MINUTE: '100000' });
  const url = hub.url;
  const request = (await gqlCall(url, REQUEST, { input: { incidentId: incident.id, resourceTypeId: type, quantity: 1_000_000 } }, keyA.headers)).data.createResourceRequest.id;

  const reports: string[] = [];
  const links: string[] = [];
  const offered: string[] = [];
  const accepted: string[] = [];
  const load = new LoadRun();
  load.start(8, async (client, i) => {
    switch (client % 3) {
      case 0: {
        const key = [keyA, keyB, keyC][i % 3];
        const r = await gqlCall(url, SUBMIT_REPORT, { input: { incidentId: incident.id, operationalStatus: 'NORMAL', situation: `c${client} i${i}`, visibility: 'ALL_PARTICIPANTS' } }, key.headers);
        if (r.data?.submitSituationReport) reports.push(r.data.submitSituationReport.id);
        return r.outcome;
      }
      case 1: {
        const r = await gqlCall(
          url,
          PROPOSE,
          { input: { incidentId: incident.id, name: `Konferens ${client}-${i}`, channel: 'TELEPHONE_CONFERENCE', address: `+46 8 465 004 ${client}${i}`, participantOrganisationIds: [lender.id] } },
          keyA.headers,
        );
        if (r.data?.proposeCommunicationLink) links.push(r.data.proposeCommunicationLink.id);
        return r.outcome;
      }
      default: {
        const o = await gqlCall(url, OFFER, { input: { requestId: request, holdingId: holding, quantity: 1 + (i % 3) } }, keyB.headers);
        if (!o.data?.offerResource) return o.outcome;
        offered.push(o.data.offerResource.id);
        const a = await gqlCall(url, ACCEPT, { id: o.data.offerResource.id }, keyA.headers);
        if (a.data?.acceptResourceOffer) accepted.push(a.data.acceptResourceOffer.id);
        return a.outcome;
      }
    }
  });

  await new Promise((r) => setTimeout(r, 2500));
  hub.child.kill('SIGKILL');
  expect(await hub.exited).toEqual({ code: null, signal: 'SIGKILL' });
  await load.stop();
  expect(reports.length).toBeGreaterThan(3);
  expect(links.length).toBeGreaterThan(3);
  expect(accepted.length).toBeGreaterThan(3);

  hub = await startHubProcess({ RATE_LIMIT_PER_MINUTE: '100000' });
  const count = async (table: string, ids: string[], extra = '') =>
    Number((await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1::uuid[]) ${extra}`, [ids]))[0].n);
  expect(await count('situation_reports', reports)).toBe(reports.length);
  expect(await count('communication_links', links)).toBe(links.length);
  expect(await count('resource_loans', offered)).toBe(offered.length);
  expect(await count('resource_loans', accepted, `AND status = 'ACCEPTED'`)).toBe(accepted.length);

  // The operator's check, exactly as documented: npm run verify's program on this database.
  const verify = await promisify(execFile)(process.execPath, ['dist/src/verify/verify.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: process.env.TEST_DATABASE_URL! },
  }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );
  expect(verify).toEqual({ code: 0, out: expect.stringContaining('All invariants hold.') });
  hub.child.kill('SIGTERM');
  await hub.exited;
});
