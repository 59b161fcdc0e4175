import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { DomainErrorHttpFilter } from '../common/errors/domain-error-http.filter.js';
import { BadUserInputError } from '../common/errors/domain-errors.js';
import { pageFormat, sendPage } from '../common/http/printable-page.js';
import { isUuid } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { requireIncidentIdOrReference } from '../incidents/incident-reference.js';
import { renderActivityLogHtml, renderAgendaHtml, renderMinutesHtml } from './staff-log-pages.renderer.js';
import { StaffLogPagesService } from './staff-log-pages.service.js';

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
    requireIncidentIdOrReference(idOrReference);
    const wanted = pageFormat(format, req, res, 'page');
    if (!wanted) return;
    const page = await this.pages.activityLog(ctx, idOrReference, isUuid(idOrReference));
    sendPage(res, wanted, page, () => renderActivityLogHtml(page, { timeZone: this.config.timeZone }));
  }

  @Get('meetings/:id/agenda')
  agenda(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query('format') format: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.meetingPage(id, format, req, res, (meetingId) => this.pages.agenda(ctx, meetingId), renderAgendaHtml);
  }

  @Get('meetings/:id/minutes')
  minutes(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query('format') format: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.meetingPage(id, format, req, res, (meetingId) => this.pages.minutes(ctx, meetingId), renderMinutesHtml);
  }

  /** A meeting's page: the meeting by its UUID, the page read by `load` and sent as asked. */
  private async meetingPage<Page>(
    id: string,
    format: unknown,
    req: FastifyRequest,
    res: FastifyReply,
    load: (meetingId: string) => Promise<Page>,
    render: (page: Page, options: { timeZone: string }) => string,
  ): Promise<void> {
    if (!isUuid(id)) throw BadUserInputError.field('id', 'id must be a meeting UUID');
    const wanted = pageFormat(format, req, res, 'page');
    if (!wanted) return;
    const page = await load(id.toLowerCase());
    sendPage(res, wanted, page, () => render(page, { timeZone: this.config.timeZone }));
  }
}
