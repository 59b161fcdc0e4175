import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import type { RequestContext } from '../common/request/request-context.js';
import { OperationalPicture } from './models/operational-picture.model.js';
import { OperationalPictureService } from './operational-picture.service.js';

@Resolver(() => OperationalPicture)
export class OperationalPictureResolver {
  constructor(private readonly pictures: OperationalPictureService) {}

  @Query(() => OperationalPicture)
  @Allow(Role.VIEWER, { scope: ApiScope.INCIDENTS_READ })
  operationalPicture(@Ctx() ctx: RequestContext, @Args('incidentId', { type: () => ID }, ParseIdPipe) incidentId: string) {
    return this.pictures.picture(ctx, incidentId);
  }
}
