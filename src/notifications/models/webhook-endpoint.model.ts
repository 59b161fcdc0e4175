import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';
import { NotificationType } from '../../common/notifications/outbox-sink.js';

/** A `webhook_endpoints` row as the services select it (ENDPOINT_COLUMNS): never its secrets. */
export interface WebhookEndpointRow {
  id: string;
  organisation_id: string;
  name: string;
  url: string;
  event_types: NotificationType[];
  incident_id: string | null;
  enabled: boolean;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const ENDPOINT_COLUMNS = 'id, organisation_id, name, url, event_types, incident_id, enabled, previous_secret_expires_at, created_at, updated_at';

@RequiresScope(ApiScope.WEBHOOKS_MANAGE)
@ObjectType({ description: "Where an organisation's system is told about events, signed with a secret shown only when it is made." })
export class WebhookEndpoint {
  @Field(() => ID)
  id: string;

  organisationId: string;

  @Field()
  name: string;

  @Field({ description: 'http(s) URL; it must not resolve to a loopback, private, link-local or metadata address.' })
  url: string;

  @Field(() => [NotificationType])
  eventTypes: NotificationType[];

  @Field(() => ID, { nullable: true, description: 'Only events of this incident; none: every incident the organisation sees.' })
  incidentId: string | null;

  @Field({ description: 'A disabled endpoint is sent nothing; events meanwhile are not kept for it.' })
  enabled: boolean;

  @Field(() => Date, { nullable: true, description: 'Until then the previous secret signs too (a second v1 in the signature header).' })
  previousSecretExpiresAt: Date | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  static fromRow(r: WebhookEndpointRow): WebhookEndpoint {
    return Object.assign(new WebhookEndpoint(), {
      id: r.id,
      organisationId: r.organisation_id,
      name: r.name,
      url: r.url,
      eventTypes: r.event_types,
      incidentId: r.incident_id,
      enabled: r.enabled,
      // An overlap that has run out is no overlap.
      previousSecretExpiresAt: r.previous_secret_expires_at && r.previous_secret_expires_at > new Date() ? r.previous_secret_expires_at : null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    });
  }
}

@RequiresScope(ApiScope.WEBHOOKS_MANAGE)
@ObjectType({ description: 'An endpoint with its new signing secret: the only time the secret is shown.' })
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint)
  endpoint: WebhookEndpoint;

  @Field({ description: 'The signing secret (whsec_…). Keep it in the receiving system; the hub never shows it again.' })
  secret: string;
}
