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
  await p.page.waitForFunction(() => !(globalThis as any).document.querySelector('[aria-busy="true"]'));
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
    // The editor shows the default query once Monaco has started (workers and all).
    await p.page.locator('.graphiql-query-editor .view-line', { hasText: '__typename' }).waitFor({ timeout: 60_000 });
    // The answer, in the response editor: { "data": { "__typename": "Query" } }. A click while
    // GraphiQL still fetches the schema can be lost on a busy machine: click until it answers.
    const result = p.page.locator('.result-window', { hasText: 'Query' });
    for (let i = 0; i < 6 && !(await result.isVisible()); i++) {
      await p.page.locator('.graphiql-execute-button').click();
      await result.waitFor({ timeout: 10_000 }).catch(() => undefined);
    }
    expect((await result.innerText()).replace(/\s+/g, ' ')).toMatch(/"__typename": "Query"/);
    await screenshot(p.page, 'graphiql');
    expect(outside).toEqual([]);
    expect(p.problems).toEqual([]);
  });
});

describe('console', () => {
  it('the liaison officer submits a report and the coordinator sees the picture change without reloading', async () => {
    const coordinator = await newPerson();
    await signIn(coordinator, COORDINATOR);
    await review(coordinator, 'incidents');
    await coordinator.page.goto(incidentPath('picture'));
    await coordinator.page.getByTestId('picture').waitFor();
    await review(coordinator, 'picture');
    // A marker in the page: still there afterwards means the page was never reloaded.
    await coordinator.page.evaluate(() => ((globalThis as any).__notReloaded = true));

    const liaison = await newPerson();
    await signIn(liaison, LIAISON);
    await liaison.page.goto(incidentPath('reports'));
    await liaison.page.getByRole('heading', { name: 'Skriv lägesrapport' }).waitFor();
    await review(liaison, 'report-form');
    const situation = `Trygghetspunkten i Rimbo är öppen ${Date.now()}`;
    await liaison.page.getByLabel('Operativt läge').selectOption('CRITICAL');
    await liaison.page.getByLabel('Läge nu').fill(situation);
    await liaison.page.getByLabel('Behov av stöd').fill('Reservkraft till Solbacka');
    await liaison.page.getByRole('button', { name: 'Skicka rapport' }).click();
    await liaison.page.getByRole('status').filter({ hasText: 'Rapporten är skickad' }).waitFor();
    await liaison.page.getByTestId('reports').getByText(situation).waitFor();

    const row = coordinator.page.getByTestId('picture').getByRole('row').filter({ has: coordinator.page.getByRole('rowheader', { name: 'Norrtälje kommun' }) });
    await row.getByText(situation.slice(0, 60)).waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toContain('Kritiskt');
    expect(await coordinator.page.evaluate(() => (globalThis as any).__notReloaded)).toBe(true);
  });

  it('shows a RESTRICTED report to its recipients and not to another participant', async () => {
    const liaison = await newPerson();
    await signIn(liaison, LIAISON);
    await liaison.page.goto(incidentPath('reports'));
    const secret = `Uppgift om polisinsats ${Date.now()}`;
    await liaison.page.getByLabel('Läge nu').fill(secret);
    await liaison.page.getByLabel('Begränsad').check();
    await liaison.page.getByLabel('Polisregion Stockholm').check();
    await review(liaison, 'report-restricted');
    await liaison.page.getByRole('button', { name: 'Skicka rapport' }).click();
    await liaison.page.getByTestId('reports').getByText(secret).waitFor();

    const police = await newPerson();
    await signIn(police, POLICE);
    await police.page.goto(incidentPath('reports'));
    await police.page.getByTestId('reports').getByText(secret).waitFor();
    // The police are asked to acknowledge it, and may.
    const card = police.page.getByRole('listitem').filter({ hasText: secret });
    await card.getByRole('button', { name: 'Kvittera' }).click();
    await card.getByText('Kvitterad av').waitFor();
    await review(police, 'reports');

    const grid = await newPerson();
    await signIn(grid, GRID);
    await grid.page.goto(incidentPath('reports'));
    await grid.page.getByTestId('reports').waitFor();
    expect(await grid.page.getByTestId('reports').innerText()).not.toContain(secret);
    await grid.page.goto(incidentPath('picture'));
    await grid.page.getByTestId('picture').waitFor();
    expect(await grid.page.getByTestId('picture').innerText()).not.toContain(secret);
  });

  it("the map shows the participants' holdings and, for the open requests, the matching holdings with their distances", async () => {
    const coordinator = await newPerson();
    await signIn(coordinator, COORDINATOR);
    await coordinator.page.goto(incidentPath('map'));
    await coordinator.page.getByTestId('map').waitFor();
    await coordinator.page.locator('path.map-holding').first().waitFor();
    await coordinator.page.locator('path.map-match').first().waitFor();
    await coordinator.page.locator('path.map-match').first().hover({ force: true });
    expect(await coordinator.page.locator('.leaflet-tooltip').last().innerText()).toMatch(/^Matchning för .+: .+, \d+ km$/);
    await review(coordinator, 'map');
  });

  it('the coordinator looks at the matches for a request and accepts an offer', async () => {
    const coordinator = await newPerson();
    await signIn(coordinator, COORDINATOR);
    await coordinator.page.goto(incidentPath('resources'));
    const requests = coordinator.page.getByTestId('requests');
    await requests.waitFor();
    // The matches for an open request: holdings of the region with their distances.
    const open = requests.getByRole('listitem').filter({ has: coordinator.page.getByRole('button', { name: 'Visa matchningar' }) }).first();
    await open.getByRole('button', { name: 'Visa matchningar' }).click();
    await open.getByTestId('matches').getByRole('row').nth(1).waitFor();
    expect(await open.getByTestId('matches').innerText()).toMatch(/\d+ km/);
    await review(coordinator, 'resources');
    // An offer another organisation made, accepted on the requester's behalf.
    const accept = requests.getByRole('button', { name: /^Acceptera: / }).first();
    const label = (await accept.innerText()).replace('Acceptera: ', '');
    const acceptedRows = requests.getByRole('row').filter({ hasText: label }).filter({ hasText: 'ACCEPTED' });
    const before = await acceptedRows.count();
    await accept.click();
    await acceptedRows.nth(before).waitFor();
    const [loan] = await hub.db.query(
      `SELECT l.status FROM resource_loans l JOIN organisations o ON o.id = l.lending_organisation_id JOIN resource_requests r ON r.id = l.request_id
        WHERE o.name = $1 AND r.incident_id = $2 AND l.accepted_at IS NOT NULL ORDER BY l.accepted_at DESC LIMIT 1`,
      [label, incidentId],
    );
    expect(loan.status).toBe('ACCEPTED');
  });

  it('offers a viewer no button for what the viewer may not do', async () => {
    const viewer = await newPerson();
    await signIn(viewer, VIEWER);
    const writes = /Ny händelse|Starta|Skicka rapport|Kvittera|Acceptera|Avböj|Erbjud|Skickad|Återlämnad|Skapa nyckel|Återkalla|Spara|Föreslå|Delta|Följ upp|Ändra antal|Begär resurs|Ny användare/;
    for (const [path, ready] of [
      ['/console/', 'incidents-h'],
      [incidentPath('picture'), 'pic-h'],
      [incidentPath('reports'), 'rep-h'],
      [incidentPath('resources'), 'res-h'],
      [incidentPath('links'), 'links-h'],
      [incidentPath('log'), 'log-h'],
      ['/console/resources', 'hold-h'],
      ['/console/tasks', 'tasks-h'],
      ['/console/admin', 'audit-h'],
    ]) {
      await viewer.page.goto(path);
      await viewer.page.locator(`#${ready}`).waitFor();
      await viewer.page.waitForFunction(() => !(globalThis as any).document.querySelector('[aria-busy="true"]'));
      const resources = viewer.page.getByTestId('requests');
      if (path.endsWith('resources')) {
        // Open every match list a viewer can open: there is no offer in them either.
        for (const b of await resources.getByRole('button', { name: 'Visa matchningar' }).all()) await b.click();
      }
      expect({ path, writes: await viewer.page.getByRole('button', { name: writes }).allInnerTexts() }).toEqual({ path, writes: [] });
    }
    await review(viewer, 'viewer-admin');
  });

  it('has screens that pass axe-core in English and on a phone', async () => {
    const admin = await newPerson({ locale: 'en-GB', width: 390 });
    // The browser asks for English: the console answers in English from the first screen.
    await signIn(admin, ADMIN, 'en');
    for (const [path, name] of [
      ['/console/admin', 'admin-phone'],
      [incidentPath('links'), 'links-phone'],
      [incidentPath('log'), 'log-phone'],
      [incidentPath('map'), 'map-phone'],
      [`/console/incidents/${incidentId}/plan`, 'plan-phone'],
      ['/console/tasks', 'tasks-phone'],
      ['/console/resources', 'holdings-phone'],
    ]) {
      await admin.page.goto(path);
      await admin.page.locator('main h1, main h2').first().waitFor();
      await review(admin, name);
    }
  });
});

describe('console: communication links and meetings', () => {
  it('the liaison officer proposes a link, the invited organisation takes part, and the plan lists it', async () => {
    const liaison = await newPerson();
    await signIn(liaison, LIAISON);
    await liaison.page.goto(incidentPath('links'));
    const name = `Samverkan el ${Date.now()}`;
    const form = liaison.page.getByRole('form', { name: 'Föreslå samband' });
    await form.getByLabel('Namn').fill(name);
    await form.getByLabel('Typ').selectOption('TELEPHONE_CONFERENCE');
    await form.getByLabel('Adress').fill('+46 8 465 004 91');
    await form.getByLabel('Ellevio AB (elnät)').check();
    await review(liaison, 'links');
    await form.getByRole('button', { name: 'Föreslå samband' }).click();
    await liaison.page.getByRole('row').filter({ hasText: name }).waitFor();

    const grid = await newPerson();
    await signIn(grid, GRID);
    await grid.page.goto(incidentPath('links'));
    await grid.page.getByRole('button', { name: `Delta: ${name}` }).click();
    await grid.page.getByRole('row').filter({ hasText: name }).filter({ hasText: 'Ellevio AB (elnät) (ACCEPTED)' }).waitFor();
    await grid.page.goto(`/console/incidents/${incidentId}/plan`);
    await grid.page.getByRole('row').filter({ hasText: name }).waitFor();
    await review(grid, 'plan');
  });

  it("shows a meeting's agenda built from the log, ready to print", async () => {
    const liaison = await newPerson();
    await signIn(liaison, LIAISON);
    await liaison.page.goto(incidentPath('log'));
    await liaison.page.getByTestId('log').waitFor();
    await review(liaison, 'log');
    await liaison.page.getByRole('link', { name: /samverkanskonferens/i }).first().click();
    await liaison.page.getByRole('heading', { name: /^Dagordning: / }).waitFor();
    await liaison.page.getByRole('heading', { name: 'Öppna behov' }).waitFor();
    await review(liaison, 'meeting-agenda');
  });

  it("shows a closed meeting's minutes: what was decided there, the summary and the next meeting", async () => {
    const liaison = await newPerson();
    await signIn(liaison, LIAISON);
    await liaison.page.goto(incidentPath('log'));
    await liaison.page.getByRole('link', { name: /stabsmöte/i }).first().click();
    await liaison.page.getByRole('heading', { name: /^Protokoll: Stabsmöte/ }).waitFor();
    const written = liaison.page.getByRole('heading', { name: 'Beslut och poster från mötet' }).locator('xpath=..');
    expect(await written.innerText()).toContain('Skolorna i Hallstavik stängs i morgon');
    expect(await liaison.page.getByRole('heading', { name: 'Sammanfattning' }).locator('xpath=..').innerText()).toContain('Reservkraft till Solbacka');
    await review(liaison, 'meeting-minutes');
  });
});

describe('console: a new incident', () => {
  it('creates an incident from its form and opens it; cancel closes the form, a refusal is shown beside it', async () => {
    const liaison = await newPerson();
    await signIn(liaison, LIAISON);
    await liaison.page.goto('/console/incidents');
    await liaison.page.getByRole('button', { name: 'Ny händelse' }).click();
    const form = liaison.page.getByRole('form', { name: 'Ny händelse' });
    await form.getByRole('button', { name: 'Avbryt' }).click();
    await form.waitFor({ state: 'detached' });

    await liaison.page.getByRole('button', { name: 'Ny händelse' }).click();
    const title = `Vattenläcka i Rimbo ${Date.now()}`;
    // Blank after trimming: the API's refusal is shown beside the form, and nothing is written.
    await form.getByLabel('Rubrik').fill('   ');
    await form.getByLabel('Beskrivning').fill('Huvudledningen har brustit.');
    await form.getByRole('button', { name: 'Spara' }).click();
    await form.getByRole('alert').waitFor();

    await form.getByLabel('Rubrik').fill(title);
    await form.getByLabel('Övning').check();
    await form.getByRole('button', { name: 'Spara' }).click();
    await liaison.page.waitForURL(/\/console\/incidents\/[0-9a-f-]{36}/);
    const [row] = await hub.db.query(`SELECT id, exercise, description FROM incidents WHERE title = $1`, [title]);
    expect(row).toMatchObject({ exercise: true, description: 'Huvudledningen har brustit.' });
    expect(liaison.page.url()).toContain(row.id);
    expect((await hub.db.query(`SELECT count(*)::int AS n FROM incidents WHERE title = '   ' OR title = ''`))[0].n).toBe(0);
  });
});

describe('console: administration', () => {
  it('creates an API key with the scopes chosen, shows its secret once, and says why a key without scopes is refused', async () => {
    const admin = await newPerson();
    await signIn(admin, ADMIN);
    await admin.page.goto('/console/admin');
    const form = admin.page.getByRole('form', { name: 'Skapa nyckel' });
    const name = `Ärendesystem ${Date.now()}`;
    await form.getByLabel('Namn').fill(name);
    await form.getByLabel('REPORTS_READ').uncheck();
    await form.getByLabel('LOG_READ').check();
    await form.getByRole('button', { name: 'Skapa nyckel' }).click();
    const shown = admin.page.getByRole('status').filter({ hasText: 'Nyckeln visas bara nu' });
    expect(await shown.locator('code').innerText()).toMatch(/^\S{20,}$/);
    const [key] = await hub.db.query(`SELECT scopes FROM api_keys WHERE name = $1`, [name]);
    expect([...key.scopes].sort()).toEqual(['INCIDENTS_READ', 'LOG_READ']);

    // No scope at all: the API's refusal is shown beside the form, not swallowed.
    await form.getByLabel('Namn').fill(`${name} utan`);
    for (const box of await form.getByRole('checkbox').all()) await box.uncheck();
    await form.getByRole('button', { name: 'Skapa nyckel' }).click();
    await form.getByRole('alert').waitFor();
    expect((await hub.db.query(`SELECT count(*)::int AS n FROM api_keys WHERE name = $1`, [`${name} utan`]))[0].n).toBe(0);
    await review(admin, 'api-keys');
  });
});

describe('console session', () => {
  it('renews an expired access token by itself, and survives a reload', async () => {
    const liaison = await newPerson();
    await signIn(liaison, LIAISON);
    await liaison.page.waitForFunction(() => !(globalThis as any).document.querySelector('[aria-busy="true"]'));
    const renewals = async () => (await hub.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.refresh'`))[0].n as number;
    const before = await renewals();
    // The hub answers the next operation as it answers an expired token.
    let refused = 0;
    await liaison.page.route('**/graphql', async (route) => {
      if (refused++ === 0) {
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'jwt expired', extensions: { code: 'UNAUTHENTICATED' } }] }) });
      } else {
        await route.continue();
      }
    });
    await liaison.page.getByRole('link', { name: 'Mina uppdrag' }).click();
    await liaison.page.getByTestId('log').waitFor();
    expect(refused).toBeGreaterThan(1);
    // The refused operation was sent again after one renewal from the cookie.
    for (let i = 0; i < 50 && (await renewals()) === before; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await renewals()).toBe(before + 1);
    await liaison.page.unroute('**/graphql');
    // The access token was in memory only; the cookie brings the session back after a reload.
    await liaison.page.reload();
    await liaison.page.getByTestId('signed-in-as').waitFor();
    const cookies = await liaison.context.cookies();
    expect(cookies.map((c) => ({ name: c.name, path: c.path, httpOnly: c.httpOnly, sameSite: c.sameSite }))).toEqual([
      { name: 'hub_console_refresh', path: '/console/session', httpOnly: true, sameSite: 'Strict' },
    ]);
    expect(await liaison.page.evaluate(() => (globalThis as any).document.cookie)).toBe('');
  });

  it('ends the session on sign-out: a reload shows the sign-in form again', async () => {
    const liaison = await newPerson();
    await signIn(liaison, LIAISON);
    await liaison.page.getByRole('button', { name: 'Logga ut' }).click();
    await liaison.page.getByRole('heading', { name: 'Logga in' }).waitFor();
    await review(liaison, 'sign-in');
    await liaison.page.reload();
    await liaison.page.getByRole('heading', { name: 'Logga in' }).waitFor();
    expect(await liaison.context.cookies()).toEqual([]);
  });

  it('shows that the connection is lost and recovers by itself', async () => {
    const coordinator = await newPerson();
    await signIn(coordinator, COORDINATOR);
    await coordinator.page.goto(incidentPath('picture'));
    await coordinator.page.getByTestId('picture').waitFor();
    await coordinator.context.setOffline(true);
    await coordinator.page.getByRole('link', { name: 'Resurser', exact: true }).first().click();
    await coordinator.page.getByTestId('offline-banner').waitFor();
    await coordinator.context.setOffline(false);
    await coordinator.page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 30_000 });
    await coordinator.page.getByRole('heading', { name: 'Min organisations resurser' }).waitFor();
  });
});
