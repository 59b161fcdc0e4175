import type { FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { BadUserInputError } from '../errors/domain-errors.js';
import { errorBody } from '../errors/error-body.js';

export type PageFormat = 'json' | 'html';

const PAGE_TYPES = ['text/html', 'application/json'];

/**
 * How a printable page (REST, beside GraphQL) is sent: `?format=` (json or html, anything else
 * BAD_USER_INPUT), or else as the Accept header prefers (no Accept header: any). Undefined, with
 * 406 sent, when the Accept header allows neither; `page` names the page in that answer ("The
 * card is available…").
 */
export function pageFormat(format: unknown, req: FastifyRequest, res: FastifyReply, page: string): PageFormat | undefined {
  if (format !== undefined && format !== 'json' && format !== 'html') throw BadUserInputError.field('format', 'format must be json or html');
  res.header('Vary', 'Accept');
  const wanted = format ?? new Negotiator({ headers: { accept: req.headers.accept ?? '*/*' } }).mediaTypes(PAGE_TYPES)[0];
  if (!wanted) {
    void res.code(406).send(errorBody(new BadUserInputError([{ field: 'Accept', message: 'Accept must allow text/html or application/json' }], `The ${page} is available as text/html or application/json`)));
    return undefined;
  }
  return wanted === 'json' || wanted === 'application/json' ? 'json' : 'html';
}

/**
 * Sends a printable page: its data as JSON, or the HTML `html` renders (self-contained: no
 * script, inline styles only). Never kept by a shared cache: the pages show what organisations
 * wrote for each other and people's contact details.
 */
export function sendPage(res: FastifyReply, format: PageFormat, data: unknown, html: () => string): void {
  res.header('Cache-Control', 'no-store');
  if (format === 'json') {
    void res.code(200).send(data);
    return;
  }
  res.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.header('X-Content-Type-Options', 'nosniff');
  void res.code(200).type('text/html; charset=utf-8').send(html());
}
