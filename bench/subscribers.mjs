// Scenario 4, run by the bench as a process of its own: graphql-ws subscribers on the hub, and
// a publisher submitting reports at a fixed rate; checks who got what.
// argv[2]: JSON { httpUrl, wsUrl, incidentId, subscribers, seconds, rate, orgs: [{ organisationId, token }] }
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const spec = JSON.parse(process.argv[2]);
const { orgs, incidentId } = spec;
const SUBSCRIPTION = `subscription ($id: ID) { situationReportSubmitted(incidentId: $id) { id visibility submittedAt } }`;
const SUBMIT = `mutation ($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { id submittedAt } }`;

// Subscriber i belongs to organisation i % orgs; every other one filters on the incident.
const received = new Map(); // report id -> Map(subscriber index -> receive time)
const subscribers = [];
let subscribeErrors = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < spec.subscribers; i++) {
  const org = orgs[i % orgs.length];
  const client = createClient({
    url: spec.wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${org.token}` },
  });
  subscribers.push({ org: org.organisationId, client });
  client.subscribe(
    { query: SUBSCRIPTION, variables: { id: i % 2 === 0 ? incidentId : null } },
    {
      next: (msg) => {
        const now = Date.now();
        if (msg.errors) {
          subscribeErrors++;
          return;
        }
        const r = msg.data.situationReportSubmitted;
        if (!received.has(r.id)) received.set(r.id, new Map());
        received.get(r.id).set(i, now);
      },
      error: () => subscribeErrors++,
      complete: () => undefined,
    },
  );
  if (i % 50 === 49) await sleep(20);
}
await sleep(3000);

// Publish: every fourth report RESTRICTED to two other participants.
const published = [];
const failures = [];
const interval = 1000 / spec.rate;
const start = Date.now();
let n = 0;
const inflight = [];
while (Date.now() - start < spec.seconds * 1000) {
  const k = n++;
  const author = orgs[k % orgs.length];
  const restricted = k % 4 === 3;
  const recipients = restricted ? [orgs[(k + 1) % orgs.length].organisationId, orgs[(k + 5) % orgs.length].organisationId] : [];
  const input = {
    incidentId,
    operationalStatus: 'STRAINED',
    situation: `Rapport ${k}`,
    visibility: restricted ? 'RESTRICTED' : 'ALL_PARTICIPANTS',
    ...(restricted ? { recipientOrganisationIds: recipients } : {}),
  };
  inflight.push(
    fetch(spec.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${author.token}` },
      body: JSON.stringify({ query: SUBMIT, variables: { input } }),
    })
      .then((r) => r.json())
      .then((body) => {
        if (body.errors) failures.push(body.errors[0]?.message);
        else published.push({ id: body.data.submitSituationReport.id, submittedAt: Date.parse(body.data.submitSituationReport.submittedAt), author: author.organisationId, restricted, recipients });
      })
      .catch((e) => failures.push(String(e))),
  );
  const due = start + (k + 1) * interval;
  await sleep(Math.max(0, due - Date.now()));
}
await Promise.all(inflight);
// Late is not missed: wait until nothing has arrived for 5 s (at most 120 s).
const countAll = () => [...received.values()].reduce((a, m) => a + m.size, 0);
for (let last = -1, quiet = 0, waited = 0; quiet < 5 && waited < 120; waited++) {
  await sleep(1000);
  const now = countAll();
  quiet = now === last ? quiet + 1 : 0;
  last = now;
}

let expected = 0;
let delivered = 0;
let missed = 0;
let leaked = 0;
const latencies = [];
for (const report of published) {
  const got = received.get(report.id) ?? new Map();
  subscribers.forEach((s, i) => {
    const entitled = !report.restricted || s.org === report.author || report.recipients.includes(s.org);
    const at = got.get(i);
    if (entitled) {
      expected++;
      if (at === undefined) missed++;
      else {
        delivered++;
        latencies.push(at - report.submittedAt);
      }
    } else if (at !== undefined) leaked++;
  });
}
// Deliveries of reports the publisher did not make (none expected) count as leaks too.
for (const [id, got] of received) if (!published.some((p) => p.id === id)) leaked += got.size;
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : null);
for (const s of subscribers) void s.client.dispose();
process.stdout.write(
  JSON.stringify({ published: published.length, publishFailures: failures.length, failureSample: failures.slice(0, 3), expected, delivered, missed, leaked, subscribeErrors, p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? null }) + '\n',
);
process.exit(0);
