import type { Request, Response } from 'express';
import { BadUserInputError } from '../errors/domain-errors.js';
import { errorBody } from '../errors/error-body.js';

export type PageFormat = 'json' | 'html';

/**
 * How a printable page (REST, beside GraphQL) is sent: `?format=` (json or html, anything else
 * BAD_USER_INPUT), or else as the Accept header prefers. Undefined, with 406 sent, when the
 * Accept header allows neither; `page` names the page in that answer ("The card is available…").
 */
export function pageFormat(format: unknown, req: Request, res: Response, page: string): PageFormat | undefined {
  if (format !== undefined && format !== 'json' && format !== 'html') throw BadUserInputError.field('format', 'format must be json or html');
  res.setHeader('Vary', 'Accept');
  const wanted = format ?? req.accepts(['text/html', 'application/json']);
  if (!wanted) {
    res.status(406).json(errorBody(new BadUserInputError([{ field: 'Accept', message: 'Accept must allow text/html or application/json' }], `The ${page} is available as text/html or application/json`)));
    return undefined;
  }
  return wanted === 'json' || wanted === 'application/json' ? 'json' : 'html';
}

/**
 * Sends a printable page: its data as JSON, or the HTML `html` renders (self-contained: no
 * script, inline styles only). Never kept by a shared cache: the pages show what organisations
 * wrote for each other and people's contact details.
 */
export function sendPage(res: Response, format: PageFormat, data: unknown, html: () => string): void {
  res.setHeader('Cache-Control', 'no-store');
  if (format === 'json') {
    res.status(200).json(data);
    return;
  }
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.status(200).type('text/html; charset=utf-8').send(html());
}
