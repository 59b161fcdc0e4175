import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { BadUserInputError } from '../common/errors/domain-errors.js';
import { DomainErrorHttpFilter } from '../common/errors/domain-error-http.filter.js';
import { pageFormat, sendPage } from '../common/http/printable-page.js';
import { isUuid } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { renderScenarioCardHtml } from './scenario-card.renderer.js';
import { ScenariosService } from './scenarios.service.js';

/**
 * The printable scenario card, for whoever sees the scenario: `Authorization: Bearer` or
 * `X-Api-Key` (with INCIDENTS_READ), authenticated by the global guard like the other pages.
 * HTML or JSON by `?format=` or else the Accept header.
 */
@Controller('scenarios')
@Allow(Role.VIEWER, { scope: ApiScope.INCIDENTS_READ })
@UseFilters(DomainErrorHttpFilter)
export class ScenarioCardController {
  constructor(
    private readonly scenarios: ScenariosService,
    private readonly config: AppConfig,
  ) {}

  @Get(':id/card')
  async card(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query('format') format: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    if (!isUuid(id)) throw BadUserInputError.field('id', 'id must be a scenario UUID');
    const wanted = pageFormat(format, req, res, 'card');
    if (!wanted) return;
    const card = await this.scenarios.card(ctx, id.toLowerCase());
    sendPage(res, wanted, card, () => renderScenarioCardHtml(card, { timeZone: this.config.timeZone }));
  }
}
