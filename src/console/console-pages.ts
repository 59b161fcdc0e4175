import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The web console (console/, built by `npm run build` with Vite into dist/console-app/) and the
 * offline GraphiQL page built beside it, served by the hub itself: same origin, same process,
 * nothing from the internet. Pages carry a strict Content-Security-Policy without inline
 * scripts (docs/console.md, SECURITY.md "The web console").
 */

/** Where the built console is: dist/console-app, seen from dist/src/console or from src/console. */
export function consoleBuildDir(): string | undefined {
  for (const candidate of ['../../console-app/', '../../dist/console-app/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

/** The console's policy: scripts, styles and fonts of its own only; the map's tiles from a configured server. */
export function consoleCsp(tileOrigin?: string): string {
  const img = ["'self'", 'data:', 'blob:', ...(tileOrigin ? [tileOrigin] : [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${img}`,
    "font-src 'self'",
    // 'self' covers the same origin's ws:/wss: for graphql-ws (CSP 3).
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * GraphiQL's editor (Monaco) adds <style> elements and runs its language services in workers
 * of its own origin: styles inline are allowed there, scripts inline still not.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function pageHeaders(reply: FastifyReply, csp: string): FastifyReply {
  return reply.headers({ 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
}

function notBuilt(reply: FastifyReply): void {
  void reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
}

const NOT_BUILT = 'The console has not been built: run `npm run build` (npm start does it).';

/**
 * GET /console/assets/* (hashed names: cached for good) and every other GET (and HEAD) under
 * /console answered with the console's page, whose router shows the screen for the path.
 * /console/session is the session's API (ConsoleSessionController, POST only).
 */
export async function registerConsolePages(app: FastifyInstance, options: { tileUrl?: string } = {}): Promise<void> {
  const dir = consoleBuildDir();
  let page: string | undefined;
  const tileOrigin = options.tileUrl ? new URL(options.tileUrl.replace(/\{[a-z]\}/g, 'a')).origin : undefined;
  const csp = consoleCsp(tileOrigin);
  if (dir) {
    await app.register(fastifyStatic, {
      root: `${dir}assets`,
      prefix: '/console/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
      decorateReply: false,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    });
  } else {
    app.get('/console/assets/*', (_req, reply) => notBuilt(reply));
  }
  const handler = (req: FastifyRequest, reply: FastifyReply): void => {
    const path = req.url.split('?')[0];
    if (path.startsWith('/console/session')) return void reply.callNotFound();
    if (!dir) return notBuilt(reply);
    if (path === '/console/config.json') {
      void reply.header('Cache-Control', 'no-store').send({ tileUrl: options.tileUrl ?? null });
      return;
    }
    page ??= readFileSync(`${dir}index.html`, 'utf8');
    void pageHeaders(reply, csp).code(200).type('text/html; charset=utf-8').send(page);
  };
  app.get('/console', handler);
  app.get('/console/*', handler);
}

/**
 * A Fastify `onRequest` hook: GET /graphql from a browser (HTML wanted, no query) gets GraphiQL
 * from the hub's own build. A GET with a query, and every POST, goes on to Apollo.
 */
export function graphiqlPage(): (req: FastifyRequest, reply: FastifyReply, done: () => void) => void {
  const dir = consoleBuildDir();
  let page: string | undefined;
  return (req, reply, done) => {
    if (req.method !== 'GET' || req.url.split('?')[0] !== '/graphql' || (req.query as { query?: unknown }).query !== undefined || !(req.headers.accept ?? '').includes('text/html')) return done();
    if (!dir || !existsSync(`${dir}graphiql.html`)) return notBuilt(reply);
    page ??= readFileSync(`${dir}graphiql.html`, 'utf8');
    void pageHeaders(reply, GRAPHIQL_CSP).code(200).type('text/html; charset=utf-8').send(page);
  };
}
