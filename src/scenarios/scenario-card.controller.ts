import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { acceptedType } from '../common/http/accepts.js';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { BadUserInputError } from '../common/errors/domain-errors.js';
import { DomainErrorHttpFilter } from '../common/errors/domain-error-http.filter.js';
import { errorBody } from '../common/errors/error-body.js';
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
    if (format !== undefined && format !== 'json' && format !== 'html') throw BadUserInputError.field('format', 'format must be json or html');
    const wanted = format ?? acceptedType(req, ['text/html', 'application/json']);
    res.header('Vary', 'Accept');
    if (!wanted) {
      void res.code(406).send(errorBody(new BadUserInputError([{ field: 'Accept', message: 'Accept must allow text/html or application/json' }], 'The card is available as text/html or application/json')));
      return;
    }
    const card = await this.scenarios.card(ctx, id.toLowerCase());
    res.header('Cache-Control', 'no-store');
    if (wanted === 'json' || wanted === 'application/json') {
      void res.code(200).send(card);
      return;
    }
    res.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.header('X-Content-Type-Options', 'nosniff');
    void res.code(200).type('text/html; charset=utf-8').send(renderScenarioCardHtml(card, { timeZone: this.config.timeZone }));
  }
}
