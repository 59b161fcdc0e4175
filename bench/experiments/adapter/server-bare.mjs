// The adapters without Nest and without Apollo: Express 5 (JSON body parser, as the hub) or
// Fastify 5 answering the same JSON from a route, to split the adapter's own cost from that of
// Apollo's integration with it. argv[2]: 'express' or 'fastify'.
import express from 'express';
import Fastify from 'fastify';

const answer = (query, headers) => {
  const h = headers.authorization;
  const principal = typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : null;
  return query === '{ me }' ? { data: { me: principal } } : { data: { __typename: 'Query' } };
};

let close;
if (process.argv[2] === 'express') {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: 1_000_000 }));
  app.post('/graphql', (req, res) => res.json(answer(req.body.query, req.headers)));
  const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
  close = (done) => server.close(done);
} else if (process.argv[2] === 'fastify') {
  const app = Fastify();
  app.post('/graphql', async (req) => answer(req.body.query, req.headers));
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`listening ${app.server.address().port}\n`);
  close = (done) => app.close().then(done);
} else {
  throw new Error('usage: node server-bare.mjs express|fastify');
}
process.on('SIGTERM', () => close(() => process.exit(0)));
