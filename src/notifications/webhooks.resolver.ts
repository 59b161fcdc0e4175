import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { ApiScope, Role } from '../common/auth/roles.js';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import { Paginated } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import { Organisation } from '../organisations/models/organisation.model.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { RegisterWebhookEndpointInput, RotateWebhookSecretInput, UpdateWebhookEndpointInput, WebhookDeliveriesArgs, WebhookEndpointsArgs } from './dto/webhook-endpoint.inputs.js';
import { WebhookDelivery, WebhookDeliveryAttempt } from './models/webhook-delivery.model.js';
import { WebhookEndpoint, WebhookEndpointWithSecret } from './models/webhook-endpoint.model.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';

const WebhookDeliveryConnection = Paginated(WebhookDelivery);

/** LIAISON_OFFICER and up for the own organisation, ADMIN for any; API keys with WEBHOOKS_MANAGE (a partner system managing its own webhooks). */
const MANAGE = [Role.LIAISON_OFFICER, { scope: ApiScope.WEBHOOKS_MANAGE }] as const;

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointsResolver {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Query(() => [WebhookEndpoint], { description: "ADMIN: any organisation's endpoints; others: their own organisation's." })
  @Allow(...MANAGE)
  webhookEndpoints(@Ctx() ctx: RequestContext, @Args() args: WebhookEndpointsArgs) {
    return this.endpoints.list(ctx, args.organisationId);
  }

  @Query(() => WebhookDeliveryConnection, { description: 'The delivery log of an endpoint, newest first.' })
  @Allow(...MANAGE)
  webhookDeliveries(@Ctx() ctx: RequestContext, @Args() args: WebhookDeliveriesArgs) {
    return this.endpoints.deliveries(ctx, args);
  }

  @Mutation(() => WebhookEndpointWithSecret, { description: 'The signing secret is in the answer, and never shown again.' })
  @Allow(...MANAGE)
  registerWebhookEndpoint(@Ctx() ctx: RequestContext, @Args('input') input: RegisterWebhookEndpointInput) {
    return this.endpoints.register(ctx, input);
  }

  @Mutation(() => WebhookEndpoint)
  @Allow(...MANAGE)
  updateWebhookEndpoint(@Ctx() ctx: RequestContext, @Args('input') input: UpdateWebhookEndpointInput) {
    return this.endpoints.update(ctx, input);
  }

  @Mutation(() => WebhookEndpointWithSecret, { description: 'A new signing secret, shown once; the previous one still signs during the overlap.' })
  @Allow(...MANAGE)
  rotateWebhookSecret(@Ctx() ctx: RequestContext, @Args('input') input: RotateWebhookSecretInput) {
    return this.endpoints.rotate(ctx, input);
  }

  @Mutation(() => ID, { description: 'Deletes the endpoint, its pending deliveries and its delivery log; the id.' })
  @Allow(...MANAGE)
  deleteWebhookEndpoint(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.endpoints.delete(ctx, id);
  }

  @Mutation(() => WebhookDelivery, { description: 'Queues a signed test event for the endpoint; follow it in webhookDeliveries.' })
  @Allow(...MANAGE)
  sendTestWebhook(@Ctx() ctx: RequestContext, @Args('endpointId', { type: () => ID }, ParseIdPipe) endpointId: string) {
    return this.endpoints.sendTest(ctx, endpointId);
  }

  @ResolveField(() => Organisation)
  @Allow(Role.VIEWER)
  organisation(@Ctx() ctx: RequestContext, @Parent() endpoint: WebhookEndpoint) {
    return this.organisations.require(ctx, endpoint.organisationId);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveriesResolver {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @ResolveField(() => [WebhookDeliveryAttempt], { description: 'Every request sent for it, first first.' })
  @Allow(Role.VIEWER)
  attemptLog(@Ctx() ctx: RequestContext, @Parent() delivery: WebhookDelivery) {
    return this.endpoints.attempts(ctx, delivery.id);
  }
}
