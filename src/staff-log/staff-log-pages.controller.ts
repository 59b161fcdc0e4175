import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { acceptedType } from '../common/http/accepts.js';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { DomainErrorHttpFilter } from '../common/errors/domain-error-http.filter.js';
import { BadUserInputError } from '../common/errors/domain-errors.js';
import { errorBody } from '../common/errors/error-body.js';
import { isUuid } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { renderActivityLogHtml, renderAgendaHtml, renderMinutesHtml } from './staff-log-pages.renderer.js';
import { StaffLogPagesService } from './staff-log-pages.service.js';

/** What an incident reference can look like: at most the 20 characters of its column. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/;

/**
 * The staff log's printable pages: the incident's activity log (ICS-214), a meeting's agenda
 * and its minutes. Same credentials as GraphQL (`Authorization: Bearer` or `X-Api-Key` with
 * LOG_READ), same visibility: only what the caller may read is on a page, and what it may not
 * see is NOT_FOUND. HTML (with a print stylesheet) or JSON, by `?format=` or else the Accept header.
 */
@Controller()
@Allow(Role.VIEWER, { scope: ApiScope.LOG_READ })
@UseFilters(DomainErrorHttpFilter)
export class StaffLogPagesController {
  constructor(
    private readonly pages: StaffLogPagesService,
    private readonly config: AppConfig,
  ) {}

  @Get('incidents/:id/log')
  async log(@Ctx() ctx: RequestContext, @Param('id') idOrReference: string, @Query('format') format: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    if (!isUuid(idOrReference) && !REFERENCE.test(idOrReference)) throw BadUserInputError.field('id', 'id must be an incident UUID or reference (e.g. DEMO-0001)');
    const wanted = this.wanted(format, req, res);
    if (!wanted) return;
    const page = await this.pages.activityLog(ctx, idOrReference, isUuid(idOrReference));
    this.send(res, wanted, page, () => renderActivityLogHtml(page, { timeZone: this.config.timeZone }));
  }

  @Get('meetings/:id/agenda')
  async agenda(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query('format') format: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    if (!isUuid(id)) throw BadUserInputError.field('id', 'id must be a meeting UUID');
    const wanted = this.wanted(format, req, res);
    if (!wanted) return;
    const page = await this.pages.agenda(ctx, id.toLowerCase());
    this.send(res, wanted, page, () => renderAgendaHtml(page, { timeZone: this.config.timeZone }));
  }

  @Get('meetings/:id/minutes')
  async minutes(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query('format') format: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    if (!isUuid(id)) throw BadUserInputError.field('id', 'id must be a meeting UUID');
    const wanted = this.wanted(format, req, res);
    if (!wanted) return;
    const page = await this.pages.minutes(ctx, id.toLowerCase());
    this.send(res, wanted, page, () => renderMinutesHtml(page, { timeZone: this.config.timeZone }));
  }

  /** json or html as asked; undefined (406 sent) when the Accept header allows neither. */
  private wanted(format: unknown, req: FastifyRequest, res: FastifyReply): 'json' | 'html' | undefined {
    if (format !== undefined && format !== 'json' && format !== 'html') throw BadUserInputError.field('format', 'format must be json or html');
    res.header('Vary', 'Accept');
    const wanted = format ?? acceptedType(req, ['text/html', 'application/json']);
    if (!wanted) {
      void res.code(406).send(errorBody(new BadUserInputError([{ field: 'Accept', message: 'Accept must allow text/html or application/json' }], 'The page is available as text/html or application/json')));
      return undefined;
    }
    return wanted === 'json' || wanted === 'application/json' ? 'json' : 'html';
  }

  private send(res: FastifyReply, wanted: 'json' | 'html', data: unknown, html: () => string): void {
    // What organisations wrote for each other: never kept by a shared cache.
    res.header('Cache-Control', 'no-store');
    if (wanted === 'json') {
      void res.code(200).send(data);
      return;
    }
    res.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.header('X-Content-Type-Options', 'nosniff');
    void res.code(200).type('text/html; charset=utf-8').send(html());
  }
}
