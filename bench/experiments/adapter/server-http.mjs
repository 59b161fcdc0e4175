// The lower bound: plain node:http, reading the body, parsing its JSON, reading the bearer token
// and answering what the Nest applications answer. No GraphQL parse, validation or execution.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/graphql') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let status = 200;
    let body;
    try {
      const { query } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const h = req.headers.authorization;
      const principal = typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : null;
      body = query === '{ me }' ? JSON.stringify({ data: { me: principal } }) : '{"data":{"__typename":"Query"}}';
    } catch {
      status = 400;
      body = '{"errors":[{"message":"bad request"}]}';
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
