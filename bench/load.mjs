// The load generator, run by the bench as a process of its own: autocannon against one URL.
// argv[2]: a JSON spec { url, connections, duration?, amount?, headers, body?, kind, ... };
// prints one JSON line with the result.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2]);
const outcomes = {};
let next = 0;

function setupRequest(req, context) {
  if (spec.kind === 'submit') {
    // Each connection keeps one (incident, organisation) pair: spread, and never two
    // connections queueing on the same participant's version counter.
    context.pair ??= spec.pairs[next++ % spec.pairs.length];
    const variables = { input: { incidentId: context.pair.incidentId, operationalStatus: 'STRAINED', situation: 'Läget under kontroll; reservkraft i drift.', visibility: 'ALL_PARTICIPANTS' } };
    req.headers = { ...spec.headers, authorization: `Bearer ${context.pair.token}`, 'idempotency-key': randomUUID() };
    req.body = JSON.stringify({ query: spec.query, variables });
  } else if (spec.kind === 'accept') {
    const loanId = spec.loanIds[next++ % spec.loanIds.length];
    req.body = JSON.stringify({ query: spec.query, variables: { id: loanId } });
  }
  return req;
}

function onResponse(status, body) {
  let key = `http ${status}`;
  if (status === 200) {
    const m = /"code":"([A-Z_]+)"(?:,"reason":"([A-Z_]+)")?/.exec(body);
    key = m ? `${m[1]}${m[2] ? `/${m[2]}` : ''}` : body.includes('"errors"') ? 'error' : 'ok';
  }
  outcomes[key] = (outcomes[key] ?? 0) + 1;
}

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration }),
  timeout: 30,
  requests: [{ method: 'POST', path: spec.path, headers: spec.headers, body: spec.body, setupRequest, onResponse }],
});
const took = result.duration;
process.stdout.write(
  JSON.stringify({
    rps: spec.amount ? result.requests.total / took : result.requests.average,
    total: result.requests.total,
    seconds: took,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    outcomes,
    // CPU seconds this load generator used (user + system), to tell its share of the machine.
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  }) + '\n',
);
