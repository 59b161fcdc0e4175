import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, createUser, TEST_PASSWORD, userSession } from './support/factories.js';
import { insertIncident, submitReport } from './support/incident-fixtures.js';
import { buildOnce, startHubProcess, type HubProcess } from './support/hub-process.js';
import { redisAvailable, TEST_REDIS_URL } from './support/redis.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

/** A span as an OTLP/HTTP JSON export carries it, with its process's service name. */
interface ReceivedSpan {
  service: string;
  scope: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

/**
 * An OpenTelemetry collector as far as the hub can tell: OTLP over HTTP with the JSON encoding
 * (OTEL_EXPORTER_OTLP_PROTOCOL=http/json), POST /v1/traces. Keeps every span and every raw body.
 */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly bodies: string[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/v1/traces') this.take(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  private take(body: string): void {
    this.bodies.push(body);
    const value = (v: Record<string, unknown>) => (v.arrayValue ? (v.arrayValue as { values: Record<string, unknown>[] }).values.map((x) => Object.values(x)[0]) : Object.values(v)[0]);
    const attrs = (list: { key: string; value: Record<string, unknown> }[] = []) => Object.fromEntries(list.map((a) => [a.key, value(a.value)]));
    for (const rs of JSON.parse(body).resourceSpans ?? []) {
      const service = String(attrs(rs.resource?.attributes)['service.name']);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({ service, scope: ss.scope?.name, name: s.name, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, attributes: attrs(s.attributes) });
        }
      }
    }
  }

  /** The first span `match` accepts, waiting for the batch that carries it. */
  async waitFor(match: (s: ReceivedSpan) => boolean, what: string, timeoutMs = 20000): Promise<ReceivedSpan> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.spans.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no span ${what} arrived; received: ${this.spans.map((s) => `${s.service}:${s.name}`).join(', ') || 'none'}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

const JWT_SECRET = 'tracing-test-secret-of-at-least-32-chars';
const receiver = new OtlpReceiver();
const hubs: HubProcess[] = [];
const clients: WsClient[] = [];
let helper: TestApp;

/** The built hub as production runs it, exporting its traces to the receiver. */
async function tracedHub(service: string, env: Record<string, string> = {}): Promise<HubProcess> {
  const hub = await startHubProcess({
    JWT_SECRET,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: service,
    // Export each span within a tenth of a second instead of every five seconds.
    OTEL_BSP_SCHEDULE_DELAY: '100',
    WEBHOOK_WORKER: 'false',
    ...env,
  });
  hubs.push(hub);
  return hub;
}

/** GraphQL over HTTP to a hub process, shaped as the fixtures expect of a test app. */
function gqlAt(url: string): Pick<TestApp, 'gql'> {
  return {
    async gql(query, variables, headers = {}) {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
      return { status: res.status, headers: res.headers, body: (await res.json()) as never };
    },
  };
}

beforeAll(async () => {
  await receiver.start();
  // Fixtures (users, incidents) and sessions come from an in-process hub on the same database.
  helper = await startTestApp({ JWT_SECRET });
  await buildOnce();
}, 300000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const hub of hubs) {
    hub.child.kill('SIGTERM');
    await hub.exited;
  }
  await helper?.close();
  await receiver.close();
});

describe('OpenTelemetry tracing of the built hub (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('exports one trace per request: the GraphQL operation span, named by type and name, with its PostgreSQL statements as children; no variable or parameter value anywhere', async () => {
    const hub = await tracedHub('hub-traced');
    const org = await createOrganisation(helper.db);
    const user = await createUser(helper.db, org.id, 'VIEWER');

    const res = await gqlAt(hub.url).gql(`mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`, {
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(res.body.data?.login.accessToken).toEqual(expect.any(String));
    const requestId = res.headers.get('x-request-id');

    const operation = await receiver.waitFor((s) => s.service === 'hub-traced' && s.name === 'mutation SignIn', 'named mutation SignIn');
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'mutation', 'graphql.operation.name': 'SignIn', 'hub.request_id': requestId });
    // The HTTP server span of the same request is its parent.
    const http = await receiver.waitFor((s) => s.spanId === operation.parentSpanId, "of the operation's HTTP request");
    expect(http).toMatchObject({ traceId: operation.traceId, scope: '@opentelemetry/instrumentation-http', attributes: expect.objectContaining({ 'url.path': '/graphql' }) });

    await receiver.waitFor((s) => s.traceId === operation.traceId && /FROM users/.test(String(s.attributes['db.query.text'])), 'reading the user');
    const statements = receiver.spans.filter((s) => s.traceId === operation.traceId && s.scope === '@opentelemetry/instrumentation-pg' && s.attributes['db.query.text']);
    expect(statements.length).toBeGreaterThan(1);
    for (const s of statements) expect(s.parentSpanId).toBe(operation.spanId);
    // The statement's text with its placeholders, never the values bound to them.
    expect(statements.map((s) => s.attributes['db.query.text'])).toContainEqual(expect.stringMatching(/lower\(u\.email\) = lower\(\$1\)/));
    // The request's log line names its trace, so that a log line leads to the trace.
    const logged = hub
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((l) => l.reqId === requestId && l.msg === 'request completed');
    expect(logged).toMatchObject({ trace_id: operation.traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toContain(user.email);
    expect(exported).not.toContain(TEST_PASSWORD);
  }, 120000);

  it('exports nothing when OTEL_SDK_DISABLED=true, whatever the endpoint says', async () => {
    const hub = await tracedHub('hub-disabled', { OTEL_SDK_DISABLED: 'true' });
    const res = await gqlAt(hub.url).gql(`query Ping { __typename }`);
    expect(res.body.data).toEqual({ __typename: 'Query' });
    // The enabled hub of the test above keeps exporting: wait for one of its batches to be sure
    // the disabled one had time to send, had it been on.
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.spans.filter((s) => s.service === 'hub-disabled')).toEqual([]);
  }, 120000);
});

// Needs a Redis (127.0.0.1:6379 on these machines and in CI); skipped where none answers.
const withRedis = (await redisAvailable()) ? describe : describe.skip;

withRedis('one trace across replicas through Redis', () => {
  it("a mutation on replica A and the subscription event it causes, delivered on replica B, share A's trace", async () => {
    const env = { REDIS_URL: TEST_REDIS_URL };
    // One after the other: two starts at once on a busy machine can miss the start deadline.
    const a = await tracedHub('hub-a', env);
    const b = await tracedHub('hub-b', env);
    const author = await userSession(helper, 'LIAISON_OFFICER');
    const reader = await userSession(helper, 'VIEWER');
    const incident = await insertIncident(helper.db, [author.organisationId, reader.organisationId]);
    const onB = await WsClient.forToken(b.url, reader.accessToken);
    clients.push(onB);
    const reports = await onB.subscribe(`subscription ($incidentId: ID) { situationReportSubmitted(incidentId: $incidentId) { id } }`, { incidentId: incident.id }, 500);

    const report = await submitReport(gqlAt(a.url) as TestApp, author.headers, incident.id);
    expect((await reports.next()).data!.situationReportSubmitted.id).toBe(report.id);

    const mutation = await receiver.waitFor((s) => s.service === 'hub-a' && s.attributes['graphql.operation.name'] === undefined && s.name === 'mutation', 'for the mutation on A');
    const delivery = await receiver.waitFor((s) => s.service === 'hub-b' && s.name === 'deliver situationReportSubmitted', 'for the delivery on B');
    expect(delivery.traceId).toBe(mutation.traceId);
    expect(delivery.attributes).toMatchObject({ 'hub.subscription.field': 'situationReportSubmitted', 'hub.subscription.delivered': true });
    // Published after commit, from within the operation: its span is the delivery's parent.
    expect(delivery.parentSpanId).toBe(mutation.spanId);
    // The Redis PUBLISH on A is in the trace too, by command name only.
    const publish = await receiver.waitFor((s) => s.service === 'hub-a' && s.traceId === mutation.traceId && s.name === 'publish', 'for the PUBLISH on A');
    expect(publish.attributes['db.query.text']).toBe('publish');
  }, 120000);
});
