import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { loadDemoRegion } from '../../src/demo/seed-demo-region.js';
import { buildOnce } from '../support/hub-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { axeViolations, launch, person, screenshot, signIn, type Person } from './browser.js';

/**
 * The console as its people use it, in the system Chromium against the real hub with the demo
 * region: the liaison officer reports and the coordinator's picture changes by itself, RESTRICTED
 * reports stay with their recipients, the coordinator accepts an offer, a viewer is offered no
 * write, a session renews itself and ends on sign-out; axe-core finds no WCAG 2.1 AA violation
 * on any screen. And GraphiQL, from the hub's own build, runs a query.
 */
const LIAISON = 'samverkan@norrtalje.example';
const POLICE = 'samverkan@polisen.example';
const GRID = 'samverkan@ellevio.example';
const COORDINATOR = 'samordnare@lansstyrelsen.example';
const VIEWER = 'tib@osteraker.example';
const ADMIN = 'admin@hub.example';

let hub: TestApp;
let browser: Browser;
let incidentId: string;
const people: Person[] = [];

beforeAll(async () => {
  await buildOnce();
  hub = await startTestApp();
  await hub.db.transaction((m) => loadDemoRegion(m));
  [{ id: incidentId }] = await hub.db.query(`SELECT id FROM incidents WHERE reference = 'DEMO-0001'`);
  browser = await launch();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

async function newPerson(opts: { locale?: string; width?: number } = {}): Promise<Person> {
  const p = await person(browser, hub.url, opts);
  people.push(p);
  return p;
}

/** Every screen is checked by axe-core and photographed; the console's CSP was never violated. */
async function review(p: Person, name: string): Promise<void> {
  await p.page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
  await screenshot(p.page, name);
  expect({ name, violations: await axeViolations(p.page) }).toEqual({ name, violations: [] });
  expect(p.problems).toEqual([]);
}

const incidentPath = (tab: string) => `/console/incidents/${incidentId}/${tab}`;

describe('GraphiQL', () => {
  it('renders from the hub alone and runs a query', async () => {
    const p = await newPerson();
    const outside: string[] = [];
    p.page.on('request', (r) => {
      if (!r.url().startsWith(hub.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) outside.push(r.url());
    });
    await p.page.goto('/graphql');
    await p.page.locator('.graphiql-container').waitFor();
    await p.page.locator('.graphiql-execute-button').click();
    // The answer, in the response editor: { "data": { "__typename": "Query" } }.
    const result = p.page.locator('.result-window', { hasText: 'Query' });
    await result.waitFor({ timeout: 45_000 });
    expect((await result.innerText()).replace(/\s+/g, ' ')).toMatch(/"__typename": "Query"/);
    await screenshot(p.page, 'graphiql');
    expect(outside).toEqual([]);
    expect(p.problems).toEqual([]);
  });
});
