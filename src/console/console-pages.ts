import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';

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

function pageHeaders(res: Response, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

const NOT_BUILT = 'The console has not been built: run `npm run build` (npm start does it).';

/**
 * GET /console/assets/* (hashed names: cached for good) and every other GET under /console
 * answered with the console's page, whose router shows the screen for the path.
 */
export function consolePages(options: { tileUrl?: string } = {}): (req: Request, res: Response, next: NextFunction) => void {
  const dir = consoleBuildDir();
  const assets = dir ? express.static(`${dir}assets`, { immutable: true, maxAge: '365d', index: false, fallthrough: false }) : undefined;
  let page: string | undefined;
  const tileOrigin = options.tileUrl ? new URL(options.tileUrl.replace(/\{[a-z]\}/g, 'a')).origin : undefined;
  const csp = consoleCsp(tileOrigin);
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !(req.path === '/console' || req.path.startsWith('/console/'))) return next();
    if (req.path.startsWith('/console/session')) return next();
    if (!dir) {
      res.status(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
      return;
    }
    if (req.path.startsWith('/console/assets/')) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      req.url = req.url.slice('/console/assets'.length);
      assets!(req, res, (err?: unknown) => (err ? res.status(404).type('text/plain').send('Not found') : next()));
      return;
    }
    if (req.path === '/console/config.json') {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ tileUrl: options.tileUrl ?? null });
      return;
    }
    page ??= readFileSync(`${dir}index.html`, 'utf8');
    pageHeaders(res, csp);
    res.status(200).type('text/html; charset=utf-8').send(page);
  };
}

/**
 * GET /graphql from a browser (HTML wanted, no query): GraphiQL from the hub's own build. A GET
 * with a query, and every POST, goes on to Apollo.
 */
export function graphiqlPage(): (req: Request, res: Response, next: NextFunction) => void {
  const dir = consoleBuildDir();
  let page: string | undefined;
  return (req, res, next) => {
    if (req.method !== 'GET' || req.path !== '/graphql' || req.query.query !== undefined || !(req.headers.accept ?? '').includes('text/html')) return next();
    if (!dir || !existsSync(`${dir}graphiql.html`)) {
      res.status(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
      return;
    }
    page ??= readFileSync(`${dir}graphiql.html`, 'utf8');
    pageHeaders(res, GRAPHIQL_CSP);
    res.status(200).type('text/html; charset=utf-8').send(page);
  };
}
