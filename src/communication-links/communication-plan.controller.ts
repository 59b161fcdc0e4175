import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { pageFormat, sendPage } from '../common/http/printable-page.js';
import { isUuid } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { requireIncidentIdOrReference } from '../incidents/incident-reference.js';
import { CommunicationLinksService } from './communication-links.service.js';
import { renderCommunicationPlanHtml } from './communication-plan.renderer.js';
import { DomainErrorHttpFilter } from '../common/errors/domain-error-http.filter.js';

/**
 * The printable communication plan of an incident (ICS-205/205A), for whoever sees the
 * incident: `Authorization: Bearer` or `X-Api-Key`, authenticated by the global guard like any
 * GraphQL operation. A key needs LINKS_READ and INCIDENTS_READ: the plan shows the incident
 * (title, reference, status, place) as well as its links, and GraphQL would not show a key the
 * incident without INCIDENTS_READ (SECURITY.md, "API-key scopes"). The incident by its UUID or by its reference
 * (DEMO-0001), which is what people have at hand. HTML or JSON by `?format=` or else the
 * Accept header.
 */
@Controller('incidents')
@Allow(Role.VIEWER, { scope: [ApiScope.LINKS_READ, ApiScope.INCIDENTS_READ] })
@UseFilters(DomainErrorHttpFilter)
export class CommunicationPlanController {
  constructor(
    private readonly links: CommunicationLinksService,
    private readonly config: AppConfig,
  ) {}

  @Get(':id/communication-plan')
  async plan(
    @Ctx() ctx: RequestContext,
    @Param('id') idOrReference: string,
    @Query('format') format: unknown,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    requireIncidentIdOrReference(idOrReference);
    const wanted = pageFormat(format, req, res, 'plan');
    if (!wanted) return;
    const id = isUuid(idOrReference) ? idOrReference.toLowerCase() : await this.links.visibleIncidentIdByReference(ctx, idOrReference);
    const plan = await this.links.plan(ctx, id);
    sendPage(res, wanted, plan, () => renderCommunicationPlanHtml(plan, { timeZone: this.config.timeZone }));
  }
}
