import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { acceptedType } from '../common/http/accepts.js';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { BadUserInputError } from '../common/errors/domain-errors.js';
import { errorBody } from '../common/errors/error-body.js';
import { isUuid } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { CommunicationLinksService } from './communication-links.service.js';
import { renderCommunicationPlanHtml } from './communication-plan.renderer.js';
import { DomainErrorHttpFilter } from '../common/errors/domain-error-http.filter.js';

/** What an incident reference can look like: at most the 20 characters of its column. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/;

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
    if (!isUuid(idOrReference) && !REFERENCE.test(idOrReference)) throw BadUserInputError.field('id', 'id must be an incident UUID or reference (e.g. DEMO-0001)');
    if (format !== undefined && format !== 'json' && format !== 'html') throw BadUserInputError.field('format', 'format must be json or html');
    const wanted = format ?? acceptedType(req, ['text/html', 'application/json']);
    res.header('Vary', 'Accept');
    if (!wanted) {
      void res.code(406).send(errorBody(new BadUserInputError([{ field: 'Accept', message: 'Accept must allow text/html or application/json' }], 'The plan is available as text/html or application/json')));
      return;
    }
    const id = isUuid(idOrReference) ? idOrReference.toLowerCase() : await this.links.visibleIncidentIdByReference(ctx, idOrReference);
    const plan = await this.links.plan(ctx, id);
    // Contact details of named people: never kept by a shared cache.
    res.header('Cache-Control', 'no-store');
    if (wanted === 'json' || wanted === 'application/json') {
      void res.code(200).send(plan);
      return;
    }
    res.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.header('X-Content-Type-Options', 'nosniff');
    void res.code(200).type('text/html; charset=utf-8').send(renderCommunicationPlanHtml(plan, { timeZone: this.config.timeZone }));
  }
}
