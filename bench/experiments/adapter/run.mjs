// Issue 19: the HTTP adapter's share of the fixed per-request cost. Starts the same Nest + Apollo
// application on Express and on Fastify (each also with a global guard and interceptor) and a
// plain node:http server, each as its own process; drives them in alternating rounds with
// autocannon from this process; reads each server's CPU time from /proc/<pid>/stat around every
// round; prints req/s and CPU ms per request (median of the rounds).
//   node run.mjs [--rounds 3] [--duration 8] [--warmup 3] [--connections 32]
//                [--queries typename,me]
//                [--servers node-http,bare-express,bare-fastify,express,fastify,express+enh,fastify+enh]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const cfg = {
  rounds: Number(flag('rounds', 3)),
  duration: Number(flag('duration', 8)),
  warmup: Number(flag('warmup', 3)),
  connections: Number(flag('connections', 32)),
  queries: flag('queries', 'typename,me').split(','),
  servers: flag('servers', 'node-http,bare-express,bare-fastify,express,fastify,express+enh,fastify+enh').split(','),
};

const SERVERS = {
  'node-http': ['server-http.mjs'],
  'bare-express': ['server-bare.mjs', 'express'],
  'bare-fastify': ['server-bare.mjs', 'fastify'],
  express: ['server-nest.mjs', 'express'],
  fastify: ['server-nest.mjs', 'fastify'],
  'express+enh': ['server-nest.mjs', 'express', 'enhancers'],
  'fastify+enh': ['server-nest.mjs', 'fastify', 'enhancers'],
};
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJl';
const QUERIES = {
  typename: { label: '{ __typename }', query: '{ __typename }', expect: { data: { __typename: 'Query' } } },
  me: { label: '{ me } (resolver: enhancers run)', query: '{ me }', expect: { data: { me: TOKEN } } },
};
const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };

const TICK = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux (getconf CLK_TCK)
/** CPU seconds [user, system] the process has used so far. */
function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return [Number(f[11]) / TICK, Number(f[12]) / TICK]; // utime, stime (fields 14, 15)
}
/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineBusySeconds() {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = v;
  return (user + nice + system + irq + softirq + steal) / TICK;
}

function start(name) {
  const child = spawn(process.execPath, SERVERS[name], { cwd: HERE, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) {
        child.removeAllListeners('exit');
        resolve({ name, child, pid: child.pid, url: `http://127.0.0.1:${m[1]}/graphql` });
      }
    });
  });
}

async function check(server, q) {
  const res = await fetch(server.url, { method: 'POST', headers: HEADERS, body: JSON.stringify({ query: q.query }) });
  const body = await res.json();
  if (res.status !== 200 || JSON.stringify(body) !== JSON.stringify(q.expect)) {
    throw new Error(`${server.name} answered ${q.label} with ${res.status} ${JSON.stringify(body)}`);
  }
}

function load(server, q, duration) {
  return autocannon({ url: server.url, method: 'POST', connections: cfg.connections, duration, headers: HEADERS, body: JSON.stringify({ query: q.query }) });
}

async function round(server, q) {
  const self0 = process.cpuUsage();
  const [cpu0, busy0, t0] = [cpuSeconds(server.pid), machineBusySeconds(), process.hrtime.bigint()];
  const r = await load(server, q, cfg.duration);
  const [cpu1, busy1, t1] = [cpuSeconds(server.pid), machineBusySeconds(), process.hrtime.bigint()];
  const self = process.cpuUsage(self0);
  const seconds = Number(t1 - t0) / 1e9;
  const [user, sys] = [cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]];
  const serverCpu = user + sys;
  const loadgenCpu = (self.user + self.system) / 1e6;
  if (r.non2xx || r.errors || r.timeouts) throw new Error(`${server.name} ${q.label}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return {
    requests: r.requests.total,
    reqPerSec: r.requests.total / seconds,
    cpuMsPerRequest: (serverCpu * 1000) / r.requests.total,
    userMsPerRequest: (user * 1000) / r.requests.total,
    sysMsPerRequest: (sys * 1000) / r.requests.total,
    serverCpuShare: serverCpu / seconds, // cores
    loadgenCpuShare: loadgenCpu / seconds,
    // Everything else on the machine during the round, in cores (the other engineer's tests…).
    othersCpuShare: Math.max(0, (busy1 - busy0 - serverCpu - loadgenCpu) / seconds),
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const servers = [];
const results = { startedAt: new Date().toISOString(), node: process.version, nproc: cpus().length, cpu: cpus()[0]?.model, loadavgBefore: loadavg(), config: cfg, rows: [] };
try {
  for (const name of cfg.servers) servers.push(await start(name));
  for (const key of cfg.queries) {
    const q = QUERIES[key];
    for (const s of servers) await check(s, q);
    for (const s of servers) await load(s, q, cfg.warmup);
    const rounds = Object.fromEntries(servers.map((s) => [s.name, []]));
    for (let i = 0; i < cfg.rounds; i++) {
      // Rotate the order each round, so that no server always follows the same one.
      const order = servers.map((_, j) => servers[(i + j) % servers.length]);
      for (const s of order) {
        const r = await round(s, q);
        rounds[s.name].push(r);
        process.stderr.write(`${q.label.padEnd(34)} round ${i + 1} ${s.name.padEnd(12)} ${r.reqPerSec.toFixed(0).padStart(6)} req/s  ${r.cpuMsPerRequest.toFixed(3)} CPU ms/req (sys ${r.sysMsPerRequest.toFixed(3)})  (others ${r.othersCpuShare.toFixed(2)} cores)\n`);
      }
    }
    for (const s of servers) {
      const rs = rounds[s.name];
      results.rows.push({
        query: q.label,
        server: s.name,
        reqPerSec: median(rs.map((r) => r.reqPerSec)),
        cpuMsPerRequest: median(rs.map((r) => r.cpuMsPerRequest)),
        userMsPerRequest: median(rs.map((r) => r.userMsPerRequest)),
        sysMsPerRequest: median(rs.map((r) => r.sysMsPerRequest)),
        cpuMsPerRequestRange: [Math.min(...rs.map((r) => r.cpuMsPerRequest)), Math.max(...rs.map((r) => r.cpuMsPerRequest))],
        p99: median(rs.map((r) => r.p99)),
        othersCpuShare: median(rs.map((r) => r.othersCpuShare)),
        rounds: rs,
      });
    }
  }
} finally {
  for (const s of servers) s.child.kill('SIGTERM');
}
results.loadavgAfter = loadavg();

const base = Object.fromEntries(results.rows.filter((r) => r.server === 'node-http').map((r) => [r.query, r.cpuMsPerRequest]));
const exp = Object.fromEntries(results.rows.filter((r) => r.server === 'express').map((r) => [r.query, r.cpuMsPerRequest]));
console.log(`\nNode ${results.node}, ${results.nproc} × ${results.cpu}; load average before ${results.loadavgBefore.map((x) => x.toFixed(2)).join(' ')}, after ${results.loadavgAfter.map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${cfg.rounds} rounds × ${cfg.duration} s after ${cfg.warmup} s warm-up, ${cfg.connections} connections; medians of the rounds\n`);
console.log('| query | server | req/s | CPU ms/request (min–max) | user / system | vs express | above node:http | p99 ms | others\' CPU (cores) |');
console.log('|---|---|--:|--:|--:|--:|--:|--:|--:|');
for (const r of results.rows) {
  const f = (x) => x.toFixed(3);
  console.log(`| ${r.query} | ${r.server} | ${r.reqPerSec.toFixed(0)} | ${f(r.cpuMsPerRequest)} (${f(r.cpuMsPerRequestRange[0])}–${f(r.cpuMsPerRequestRange[1])}) | ${f(r.userMsPerRequest)} / ${f(r.sysMsPerRequest)} | ${exp[r.query] ? (r.cpuMsPerRequest / exp[r.query]).toFixed(2) + '×' : ''} | ${base[r.query] !== undefined ? f(r.cpuMsPerRequest - base[r.query]) : ''} | ${r.p99} | ${r.othersCpuShare.toFixed(2)} |`);
}
mkdirSync(join(HERE, 'results'), { recursive: true });
const file = join(HERE, 'results', `${results.startedAt.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
console.log(`\nAll rounds: ${file}`);
