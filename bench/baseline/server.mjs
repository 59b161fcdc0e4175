// The baseline: "the limit". A plain node:http + pg server, no framework, that answers the
// bench's HTTP operations with the same JSON as the hub: it verifies the hub's access tokens
// itself (HS256, same secret and issuer), looks the principal up in a cheap statement of its own
// (as the hub must: the user, the organisation and the session may have been ended), then sends
// one hand-written statement per operation with the principal as parameters. Every statement is
// a named prepared statement (parsed once per connection), as the fastest honest server would.
//
// env: DATABASE_URL, PORT, JWT_SECRET, DATABASE_POOL_SIZE (default 10, the hub's default)
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { INCIDENTS_SQL, ORGANISATIONS_SQL, PICTURE_SQL, PRINCIPAL_SQL, REPORT_SQL, REQUEST_SQL, SUBMIT_SQL } from './queries.mjs';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const secret = process.env.JWT_SECRET ?? '';

function b64url(buf) {
  return Buffer.from(buf).toString('base64url');
}

/** The access token's claims if its HS256 signature, issuer and expiry hold; else null. */
function verifyToken(header) {
  const token = header?.startsWith('Bearer ') ? header.slice(7) : null;
  if (!token) return null;
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return null;
  const expected = Buffer.from(b64url(createHmac('sha256', secret).update(`${h}.${p}`).digest()));
  const given = Buffer.from(s);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const head = JSON.parse(Buffer.from(h, 'base64url').toString());
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  if (head.alg !== 'HS256' || claims.iss !== 'samverkan-hub' || !(claims.exp * 1000 > Date.now())) return null;
  return claims;
}

/** The hub's IdempotencyService fingerprint: sha256 of stable JSON of [query, operationName, variables]. */
function stableJson(value) {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const notFound = JSON.stringify({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }], data: null });

/** A named prepared statement: pg parses it once per connection. */
const named = (name, text) => (values) => pool.query({ name, text, values });
const principalOf = named('principal', PRINCIPAL_SQL);
/** The read operations: a path, its statement and its parameters after the principal's three. */
const READS = {
  '/picture': [named('picture', PICTURE_SQL), (v) => [v.id]],
  '/incidents': [named('incidents', INCIDENTS_SQL), (v) => [v.first]],
  '/report': [named('report', REPORT_SQL), (v) => [v.id]],
  '/organisations': [named('organisations', ORGANISATIONS_SQL), (v) => [v.first]],
  '/request': [named('request', REQUEST_SQL), (v) => [v.id]],
};
const submit = named('submit', SUBMIT_SQL);
const unauthenticated = JSON.stringify({ errors: [{ message: 'unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] });

async function handle(req, res, body) {
  if (req.url === '/health') return send(res, 200, '{}');
  const claims = verifyToken(req.headers.authorization);
  if (!claims) return send(res, 401, unauthenticated);
  const { query, variables = {}, operationName = null } = JSON.parse(body);
  const [me] = (await principalOf([claims.sub, claims.sid ?? null])).rows;
  if (!me) return send(res, 200, unauthenticated);
  const auth = [me.id, me.role, me.organisation_id];
  if (req.url === '/typename') return send(res, 200, '{"data":{"__typename":"Query"}}');
  if (req.url === '/me') return send(res, 200, JSON.stringify({ data: { me: { id: me.id } } }));
  let result;
  const read = READS[req.url];
  if (read) {
    result = await read[0]([...auth, ...read[1](variables)]);
  } else if (req.url === '/submit') {
    const key = req.headers['idempotency-key'];
    const fingerprint = createHash('sha256').update(stableJson([query, operationName, variables])).digest('hex');
    const i = variables.input;
    result = await submit([
      ...auth,
      i.incidentId,
      i.operationalStatus,
      i.situation,
      `user:${claims.sub}`,
      key,
      fingerprint,
      req.headers['x-request-id'] ?? randomUUID(),
      req.socket.remoteAddress ?? null,
    ]);
  } else {
    return send(res, 404, notFound);
  }
  const row = result.rows[0];
  if (!row || !row.found || !row.body) return send(res, 200, notFound);
  send(res, 200, row.body);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks).toString()).catch((e) => {
      console.error(e);
      send(res, 500, JSON.stringify({ errors: [{ message: String(e?.message ?? e) }] }));
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => console.log(`baseline listening on ${process.env.PORT ?? 3100}`));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
