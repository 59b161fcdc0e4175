import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium; CHROMIUM_PATH for another one. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../test-output/screenshots/', import.meta.url).pathname;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    // An empty profile of its own, and none of Chromium's calls home: the tests reach the hub only.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations and page errors seen so far. */
  problems: string[];
}

/** A person in a browser of their own (own cookies), Swedish unless told otherwise. */
export async function person(browser: Browser, baseUrl: string, opts: { locale?: string; width?: number } = {}): Promise<Person> {
  const context = await browser.newContext({ baseURL: baseUrl, locale: opts.locale ?? 'sv-SE', viewport: { width: opts.width ?? 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { context, page, problems };
}

const SIGN_IN_LABELS = { sv: ['E-post', 'Lösenord', 'Logga in'], en: ['Email', 'Password', 'Sign in'] };

/** Signs in through the console's form, whose labels are in the browser's language. */
export async function signIn(p: Person, email: string, lang: 'sv' | 'en' = 'sv', password = 'Samverkan-demo-2026'): Promise<void> {
  const [emailLabel, passwordLabel, button] = SIGN_IN_LABELS[lang];
  await p.page.goto('/console/');
  await p.page.getByLabel(emailLabel).fill(email);
  await p.page.getByLabel(passwordLabel).fill(password);
  await p.page.getByRole('button', { name: button }).click();
  await p.page.getByTestId('signed-in-as').waitFor();
}

/** axe-core's WCAG 2.1 A and AA rules on the page as it is now: the violations, by rule and target. */
export async function axeViolations(page: Page): Promise<string[]> {
  // page.evaluate runs over the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE);
  const result = (await page.evaluate(() =>
    (globalThis as any).axe.run((globalThis as any).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  )) as { violations: { id: string; nodes: { target: string[] }[] }[] };
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}
