import { Injectable } from '@nestjs/common';
import { listLoader } from '../common/loaders/row-loader.js';
import { Permission } from '../common/access/permission.js';
import { BadUserInputError, ConflictError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { decodeCursor, toConnection, type Connection } from '../common/pagination/connection.js';
import { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { RefusedAddressError, resolveAllowed } from './address-guard.js';
import type { RegisterWebhookEndpointInput, RotateWebhookSecretInput, UpdateWebhookEndpointInput, WebhookDeliveriesArgs } from './dto/webhook-endpoint.inputs.js';
import { type AttemptRow, DELIVERY_COLUMNS, WebhookDelivery, WebhookDeliveryAttempt, type WebhookDeliveryRow } from './models/webhook-delivery.model.js';
import { ENDPOINT_COLUMNS, WebhookEndpoint, type WebhookEndpointRow, type WebhookEndpointWithSecret } from './models/webhook-endpoint.model.js';
import { organisationPrincipal } from './webhook-payloads.service.js';
import { newWebhookSecret } from './webhook-signature.js';
import { FeatureKit } from '../database/feature-kit.js';

/**
 * Webhook endpoints and their delivery log: LIAISON_OFFICER and up (and API keys with
 * WEBHOOKS_MANAGE) for their own organisation, ADMIN for any. The signing secret is returned by
 * `register` and `rotate` only, never read back by any other statement here, and kept out of
 * audit details and logs.
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly kit: FeatureKit,
    private readonly config: AppConfig,
  ) {}

  async list(ctx: RequestContext, organisationId?: string): Promise<WebhookEndpoint[]> {
    // Another organisation's endpoints are not even listed: NOT_FOUND.
    const owner = await this.kit.access.listedOrganisation(ctx, Permission.OrganisationWebhooksManage, organisationId, 'Webhook endpoints of organisation');
    const rows: WebhookEndpointRow[] = await this.kit.db.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE ($1::uuid IS NULL OR organisation_id = $1) ORDER BY created_at, id`,
      [owner],
    );
    return rows.map(WebhookEndpoint.fromRow);
  }

  async register(ctx: RequestContext, input: RegisterWebhookEndpointInput): Promise<WebhookEndpointWithSecret> {
    const p = ctx.who;
    const organisationId = input.organisationId ?? p.organisationId;
    await this.checkUrl('input.url', input.url);
    const secret = newWebhookSecret();
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.OrganisationWebhooksManage, organisationId, tx.manager);
      if (input.incidentId) {
        // The filter names an incident the receiving organisation sees (not merely the caller: ADMIN sees all).
        const asOrganisation = new RequestContext(ctx.requestId, ctx.clientAddress);
        asOrganisation.principal = organisationPrincipal(organisationId);
        await this.kit.access.requireAccess(asOrganisation, Permission.IncidentRead, input.incidentId, tx.manager);
      }
      const [row] = await tx.query<WebhookEndpointRow>(
        `INSERT INTO webhook_endpoints (organisation_id, name, url, event_types, incident_id, secret, created_by_user_id, created_by_api_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${ENDPOINT_COLUMNS}`,
        [organisationId, input.name, input.url, [...new Set(input.eventTypes)], input.incidentId ?? null, secret, p.userId, p.apiKeyId],
      );
      tx.audit({
        action: 'webhookEndpoint.register',
        entityType: 'WebhookEndpoint',
        entityId: row.id,
        details: { organisationId, name: row.name, url: row.url, eventTypes: row.event_types, incidentId: row.incident_id },
      });
      return { endpoint: WebhookEndpoint.fromRow(row), secret };
    });
  }

  async update(ctx: RequestContext, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
    if (input.url !== undefined) await this.checkUrl('input.url', input.url);
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.WebhookEndpointManage, input.id, tx.manager);
      const [row] = await tx.query<WebhookEndpointRow>(
        `UPDATE webhook_endpoints SET name = COALESCE($2, name), url = COALESCE($3, url), event_types = COALESCE($4, event_types),
                enabled = COALESCE($5, enabled), updated_at = clock_timestamp()
          WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
        [input.id, input.name ?? null, input.url ?? null, input.eventTypes ? [...new Set(input.eventTypes)] : null, input.enabled ?? null],
      );
      const { id: _id, ...changes } = input;
      tx.audit({ action: 'webhookEndpoint.update', entityType: 'WebhookEndpoint', entityId: row.id, details: { changes } });
      return WebhookEndpoint.fromRow(row);
    });
  }

  /**
   * A new secret; the one it replaces goes on signing (a second `v1`) for `overlapMinutes`, so
   * that the receiver can be switched over while requests keep verifying. A secret rotated
   * during an overlap ends that overlap: only the latest two secrets ever sign.
   */
  async rotate(ctx: RequestContext, input: RotateWebhookSecretInput): Promise<WebhookEndpointWithSecret> {
    const secret = newWebhookSecret();
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.WebhookEndpointManage, input.id, tx.manager);
      const overlap = input.overlapMinutes > 0;
      const [row] = await tx.query<WebhookEndpointRow>(
        `UPDATE webhook_endpoints
            SET previous_secret = CASE WHEN $3 THEN secret END,
                previous_secret_expires_at = CASE WHEN $3 THEN clock_timestamp() + make_interval(mins => $4) END,
                secret = $2, updated_at = clock_timestamp()
          WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
        [input.id, secret, overlap, input.overlapMinutes],
      );
      tx.audit({ action: 'webhookEndpoint.rotateSecret', entityType: 'WebhookEndpoint', entityId: row.id, details: { overlapMinutes: input.overlapMinutes } });
      return { endpoint: WebhookEndpoint.fromRow(row), secret };
    });
  }

  /** Deletes the endpoint with its deliveries (pending ones are not sent) and their log. */
  async delete(ctx: RequestContext, id: string): Promise<string> {
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.WebhookEndpointManage, id, tx.manager);
      const [row] = await tx.query<WebhookEndpointRow>(`DELETE FROM webhook_endpoints WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`, [id]);
      tx.audit({ action: 'webhookEndpoint.delete', entityType: 'WebhookEndpoint', entityId: id, details: { organisationId: row.organisation_id, name: row.name, url: row.url } });
      return id;
    });
  }

  /** A test delivery through the outbox, sent by the worker like any other (and logged like one). */
  async sendTest(ctx: RequestContext, endpointId: string): Promise<WebhookDelivery> {
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.WebhookEndpointManage, endpointId, tx.manager);
      const [endpoint] = await tx.query<WebhookEndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 FOR SHARE`, [endpointId]);
      if (!endpoint.enabled) throw new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, 'The endpoint is disabled; enable it to send it a test event');
      const [row] = await tx.query<WebhookDeliveryRow>(
        `INSERT INTO outbox_deliveries (endpoint_id, event_type, test) VALUES ($1, $2, true) RETURNING ${DELIVERY_COLUMNS}`,
        [endpointId, endpoint.event_types[0]],
      );
      tx.audit({ action: 'webhookEndpoint.sendTest', entityType: 'WebhookEndpoint', entityId: endpointId, details: { deliveryId: row.id } });
      return WebhookDelivery.fromRow(row);
    });
  }

  /**
   * The delivery log of one endpoint, newest first. Deliveries skipped because the organisation
   * could not read the event are left out: listing them would tell it that something it may not
   * see happened.
   */
  async deliveries(ctx: RequestContext, args: WebhookDeliveriesArgs): Promise<Connection<WebhookDelivery>> {
    await this.kit.access.requireAccess(ctx, Permission.WebhookEndpointManage, args.endpointId);
    const cursor = decodeCursor(args.after, ['timestamp', 'uuid']);
    const [{ total }] = await this.kit.db.query(`SELECT count(*)::int AS total FROM outbox_deliveries WHERE endpoint_id = $1 AND status <> 'SKIPPED'`, [args.endpointId]);
    const rows: (WebhookDeliveryRow & { created_at_text: string })[] = await this.kit.db.query(
      `SELECT ${DELIVERY_COLUMNS}, created_at::text AS created_at_text FROM outbox_deliveries
        WHERE endpoint_id = $1 AND status <> 'SKIPPED' AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [args.endpointId, cursor?.[0] ?? null, cursor?.[1] ?? null, args.first + 1],
    );
    return toConnection(rows, args.first, total, (r) => [r.created_at_text, r.id], WebhookDelivery.fromRow);
  }

  /** WebhookDelivery.attemptLog: the attempts of every delivery on the page in one statement. */
  async attempts(ctx: RequestContext, deliveryId: string): Promise<WebhookDeliveryAttempt[]> {
    const loader = listLoader<WebhookDeliveryAttempt, AttemptRow>(
      ctx,
      'webhookDeliveryAttempts',
      (ids) =>
        this.kit.db.query(
          `SELECT delivery_id, attempt, started_at, duration_ms, status_code, error FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY attempt`,
          [ids],
        ),
      (r) => r.delivery_id,
      WebhookDeliveryAttempt.fromRow,
    );
    return loader.load(deliveryId);
  }

  /** BAD_USER_INPUT naming the field when the URL's host resolves to an address webhooks may not reach. */
  private async checkUrl(field: string, url: string): Promise<void> {
    try {
      await resolveAllowed(new URL(url).hostname, this.config.webhooks.allowPrivateAddresses);
    } catch (e) {
      if (e instanceof RefusedAddressError) throw BadUserInputError.field(field, `${field} is refused: ${e.message}`);
      throw e;
    }
  }
}
