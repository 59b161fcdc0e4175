import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { loadConfig } from '../src/config/app-config.js';
import { runMigrations } from '../src/database/migrations-runner.js';
import { freePort, spawnHubProcess, startHubProcess, type HubProcess } from './support/hub-process.js';
import { TcpProxy } from './support/tcp-proxy.js';

/**
 * What an operator meets first, on the built hub as a process (node dist/main.js): the start's
 * lines, the log format from the first line on, one line per request, each error logged once.
 */

interface LogLine {
  level: number;
  msg: string;
  context?: string;
  reqId?: string;
  [key: string]: unknown;
}

/** Every line the hub wrote, each of which must be JSON. */
function jsonLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as LogLine;
      } catch {
        throw new Error(`not a JSON line: ${l}\n--- whole output:\n${output}`);
      }
    });
}

async function stop(hub: HubProcess): Promise<void> {
  if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGTERM');
  await hub.exited;
}

const NEST_CHATTER = ['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'GraphQLModule'];

/** A database of this file's own, with no user in it: the start of a fresh deployment. */
let freshUrl: string;
const freshName = `hub_start_${process.pid}_${Date.now().toString(36)}`;
async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
beforeAll(async () => {
  // The run's shared database, for the hubs that are not a fresh deployment.
  await runMigrations(loadConfig({ DATABASE_URL: process.env.TEST_DATABASE_URL, LOG_LEVEL: 'silent' }));
  await admin((c) => c.query(`CREATE DATABASE ${freshName}`));
  const url = new URL(process.env.TEST_ADMIN_DATABASE_URL!);
  url.pathname = `/${freshName}`;
  freshUrl = url.toString();
});
afterAll(async () => {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${freshName} WITH (FORCE)`));
});

describe('a fresh deployment in production (DATABASE_URL, no user yet)', () => {
  let hub: HubProcess;
  let lines: LogLine[];
  beforeAll(async () => {
    hub = await startHubProcess({ DATABASE_URL: freshUrl, MIGRATIONS_RUN: 'true' });
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'start-probe-1', 'user-agent': 'a-very-recognisable-agent' },
      body: JSON.stringify({ query: 'query Probe { __typename }' }),
    });
    expect(res.status).toBe(200);
    await stop(hub);
    lines = jsonLines(hub.output());
  }, 120_000);

  it('logs JSON from the first line (the migrations, before the application exists) to the last', () => {
    expect(lines[0]).toMatchObject({ level: 30, context: 'Hub', msg: expect.stringMatching(/^Applied migrations: /) });
    expect(lines.at(-1)).toMatchObject({ msg: 'Stopped' });
  });

  it("keeps Nest's module and route chatter out of the info level, and says it listens only once it does", () => {
    expect(lines.filter((l) => l.level >= 30 && NEST_CHATTER.includes(l.context ?? ''))).toEqual([]);
    expect(hub.output()).not.toContain('successfully started');
    expect(lines.filter((l) => /^Listening on 127\.0\.0\.1:\d+: GraphQL at /.test(l.msg))).toHaveLength(1);
  });

  it('says how to get a first user when there is none', () => {
    const listening = lines.findIndex((l) => l.msg.startsWith('Listening on'));
    const hint = lines.findIndex((l) => l.msg.startsWith('No user exists yet'));
    expect(hint).toBeGreaterThan(listening);
    expect(lines[hint]).toMatchObject({ level: 40 });
    expect(lines[hint].msg).toMatch(/HUB_ADMIN_EMAIL and HUB_ADMIN_PASSWORD/);
    expect(lines[hint].msg).toMatch(/npm run seed:demo/);
  });

  it('logs one line per request, with its operation, status, duration and request id, and none of its headers', () => {
    const mine = lines.filter((l) => l.reqId === 'start-probe-1');
    expect(mine).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', method: 'POST', path: '/graphql', operation: 'Probe', status: 200, durationMs: expect.any(Number) }),
    ]);
    expect(mine[0]).not.toHaveProperty('req');
    expect(mine[0]).not.toHaveProperty('res');
    expect(hub.output()).not.toContain('a-very-recognisable-agent');
  });
});

describe('start-up problems', () => {
  let blocker: Server;
  afterAll(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

  it('a port in use: a clear message and exit code 1, and nothing claims to have started', async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const hub = await spawnHubProcess({ PORT: String(port) });
    expect(await hub.exited).toEqual({ code: 1, signal: null });
    const lines = jsonLines(hub.output());
    expect(lines.at(-1)).toMatchObject({ level: 60, msg: `Port ${port} on 127.0.0.1 is already in use by another process: stop that process, or set PORT to a free port` });
    expect(hub.output()).not.toMatch(/successfully started|Listening on/);
    // Said once, by the hub: not also as Nest's raw `Error: listen EADDRINUSE` line before it.
    expect(lines.filter((l) => l.level >= 50)).toHaveLength(1);
    expect(hub.output()).not.toMatch(/EADDRINUSE/);
  }, 60_000);

  it('a wrong value in the environment: named, quoted as given, and exit code 78', async () => {
    const hub = await spawnHubProcess({ PORT: 'abc' });
    expect(await hub.exited).toEqual({ code: 78, signal: null });
    const [line] = jsonLines(hub.output());
    expect(line.level).toBe(60);
    expect(line.msg).toMatch(/PORT: .*integer.*\(got "abc"\)/);
    expect(line.msg).not.toMatch(/greater|less|null/);
  }, 60_000);
});

describe('an unexpected error in a request (the database is cut away)', () => {
  it('is logged once, with the request id, and the request has its one line', async () => {
    const db = new URL(process.env.TEST_DATABASE_URL!);
    const proxy = new TcpProxy(db.hostname, Number(db.port || 5432));
    await proxy.start();
    db.hostname = '127.0.0.1';
    db.port = String(proxy.port);
    let hub: HubProcess | undefined;
    try {
      hub = await startHubProcess({ DATABASE_URL: db.toString(), DATABASE_CONNECT_TIMEOUT_MS: '1000' });
      await proxy.cut();
      const res = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'error-once-1' },
        body: JSON.stringify({ query: 'mutation SignIn { login(email: "nobody@test.example", password: "not-the-password") { accessToken } }' }),
      });
      const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
      expect(body.errors[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'error-once-1' });
    } finally {
      if (hub) await stop(hub);
      await proxy.cut();
    }
    const mine = jsonLines(hub.output()).filter((l) => l.reqId === 'error-once-1');
    expect(mine.filter((l) => l.level >= 50)).toEqual([expect.objectContaining({ level: 50, context: 'GraphQL', err: expect.any(Object) })]);
    expect(mine.filter((l) => l.msg === 'request completed')).toEqual([expect.objectContaining({ operation: 'SignIn', status: 200 })]);
  }, 120_000);
});

describe('development on a terminal-less output (a file, a pipe)', () => {
  it('with LOG_FORMAT=pretty: plain text without colour codes, the demo logins after the server listens', async () => {
    const pretty = await startHubProcess({ NODE_ENV: 'development', DATABASE_URL: freshUrl, LOG_FORMAT: 'pretty', SEED_DEMO: 'true' });
    await stop(pretty);
    const out = pretty.output();
    expect(out).not.toContain('\u001b[');
    expect(out).toMatch(/INFO: \[Hub\] Listening on/);
    expect(out.indexOf('Samverkan hub is running')).toBeGreaterThan(out.indexOf('Listening on'));
    expect(out).toContain('admin@hub.example');
    expect(out).not.toMatch(/InstanceLoader|RoutesResolver|No user exists yet/);
  }, 120_000);

  it('by default JSON without colour codes, each request line naming its principal', async () => {
    const hub = await startHubProcess({ NODE_ENV: 'development', DATABASE_URL: freshUrl });
    let userId: string;
    try {
      const gql = (query: string, headers: Record<string, string> = {}) =>
        fetch(`${hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) }).then((r) => r.json() as Promise<any>);
      const login = await gql(`mutation { login(email: "samverkan@norrtalje.example", password: "Samverkan-demo-2026") { accessToken } }`);
      const me = await gql('query Me { me { id } }', { authorization: `Bearer ${login.data.login.accessToken}`, 'x-request-id': 'principal-probe-1' });
      userId = me.data.me.id;
    } finally {
      await stop(hub);
    }
    expect(hub.output()).not.toContain('\u001b[');
    const [line] = jsonLines(hub.output()).filter((l) => l.reqId === 'principal-probe-1');
    expect(line).toMatchObject({ msg: 'request completed', operation: 'Me', principal: `user:${userId}`, status: 200 });
  }, 120_000);
});
