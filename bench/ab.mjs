// An A/B experiment on the fixed cost of a request: two hubs on the same (already seeded) bench
// database, started with different environments, driven alternately with the same small
// requests; prints req/s and the hub's CPU milliseconds per request (median of the rounds).
// On a shared machine the CPU per request scatters far less than req/s: compare that.
//
// usage: DATABASE_URL=postgres://…/bench_main_… node bench/ab.mjs '{"A":{},"B":{"LOG_LEVEL":"warn"}}' [rounds] [seconds] [ops]
// (a database left by `npm run bench -- --keep-db`; `npm run build` first). A variant's DIST
// runs another build (a checkout of another commit, built): `{"base":{"DIST":"/tmp/base/dist"}}`.
// ops: a comma-separated choice of typename, me, report, picture (default all).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import pg from 'pg';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const variants = JSON.parse(process.argv[2] ?? '{"A":{},"B":{}}');
const rounds = Number(process.argv[3] ?? 3);
const seconds = Number(process.argv[4] ?? 5);
const url = process.env.DATABASE_URL;
const secret = randomBytes(32).toString('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

const hubs = {};
let port = 3900 + Math.floor(Math.random() * 500);
for (const [name, env] of Object.entries(variants)) {
  const p = port++;
  const out = openSync(join(tmpdir(), `ab-${name}.log`), 'w');
  const child = fork(join(env.DIST ?? join(ROOT, 'dist'), 'main.js'), [], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: url, JWT_SECRET: secret, MIGRATIONS_RUN: 'false', SEED_DEMO: 'false', RATE_LIMIT_PER_MINUTE: '1000000', PORT: String(p), HOST: '127.0.0.1', WEBHOOK_WORKER: 'false', ...env },
    execArgv: env.EXEC_ARGV ? env.EXEC_ARGV.split(' ') : [],
    stdio: ['ignore', out, out, 'ipc'],
  });
  closeSync(out);
  hubs[name] = { child, url: `http://127.0.0.1:${p}/graphql` };
}
try {
  for (const h of Object.values(hubs)) {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error('a hub did not come up');
      try {
        if ((await fetch(h.url.replace('/graphql', '/health/ready'))).ok) break;
      } catch {
        // not yet
      }
      await sleep(100);
    }
  }
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const { rows: [who] } = await db.query(`SELECT u.email, p.incident_id FROM users u JOIN incident_participants p ON p.organisation_id = u.organisation_id JOIN incidents i ON i.id = p.incident_id AND i.status = 'ACTIVE' WHERE u.role = 'LIAISON_OFFICER' LIMIT 1`);
  const { rows: [report] } = await db.query(`SELECT id FROM situation_reports WHERE incident_id = $1 AND visibility = 'ALL_PARTICIPANTS' LIMIT 1`, [who.incident_id]);
  await db.end();
  const login = await (await fetch(Object.values(hubs)[0].url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', variables: { e: who.email, p: 'Bench-password-2026' } }) })).json();
  const token = login.data.login.accessToken;
  const ops = {
    typename: { query: '{ __typename }' },
    me: { query: '{ me { id } }' },
    report: { query: 'query ($id: ID!) { situationReport(id: $id) { id version latest operationalStatus situation visibility submittedAt organisation { id name } } }', variables: { id: report.id } },
    picture: { query: 'query ($id: ID!) { operationalPicture(incidentId: $id) { notReportedCount participants { organisation { name } operationalStatus latestReport { id situation submittedAt } } } }', variables: { id: who.incident_id } },
  };
  const chosen = new Set((process.argv[5] ?? Object.keys(ops).join(',')).split(','));
  for (const [op, body] of Object.entries(ops).filter(([k]) => chosen.has(k))) {
    const spec = { kind: 'static', connections: 32, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body), path: '/graphql' };
    const res = Object.fromEntries(Object.keys(hubs).map((n) => [n, []]));
    for (const h of Object.values(hubs)) execFileSync(process.execPath, [join(ROOT, 'bench/load.mjs'), JSON.stringify({ ...spec, url: h.url, duration: 2 })]);
    for (let r = 0; r < rounds; r++) {
      for (const [n, h] of Object.entries(hubs)) {
        const c0 = cpu(h.child.pid);
        const out = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'bench/load.mjs'), JSON.stringify({ ...spec, url: h.url, duration: seconds })], { encoding: 'utf8' }).trim().split('\n').at(-1));
        res[n].push({ rps: out.rps, cpuMs: (1000 * (cpu(h.child.pid) - c0)) / out.total, ok: out.outcomes.ok ?? 0, total: out.total });
      }
    }
    const line = Object.entries(res)
      .map(([n, xs]) => `${n}: ${median(xs.map((x) => x.rps)).toFixed(0)} req/s, ${median(xs.map((x) => x.cpuMs)).toFixed(2)} ms CPU/req (rounds ${xs.map((x) => x.cpuMs.toFixed(2)).join(', ')})${xs.some((x) => x.ok !== x.total) ? ' NOT ALL OK' : ''}`)
      .join(' | ');
    console.log(`${op.padEnd(8)} ${line}`);
  }
} finally {
  for (const h of Object.values(hubs)) h.child.kill('SIGTERM');
}
