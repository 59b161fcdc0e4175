import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal.js';
import type { NotificationTopic, NotificationType } from '../common/notifications/outbox-sink.js';
import { RequestContext } from '../common/request/request-context.js';
import { UsersService } from '../users/users.service.js';
import type { Language, Notice } from './email-content.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';
import { WebhookPayloadsService } from './webhook-payloads.service.js';

/** An e-mail delivery as the worker claimed it. */
export interface EmailDelivery {
  id: string;
  user_id: string;
  /** The organisation it was addressed for when it was queued. */
  addressed_organisation_id: string;
  topic: NotificationTopic;
  event_type: NotificationType;
  incident_id: string;
  subject_id: string;
}

export type NoticeDecision = { id: string; notice: Notice } | { id: string; skip: string } | { id: string; error: string };

export interface Recipient {
  email: string;
  language: Language;
  decisions: NoticeDecision[];
}

/**
 * Decides, when an e-mail is sent, whether its recipient is still to be told and what: the access
 * rules as they are now, for the user as they are now. Nothing is sent to a user who has been
 * deactivated, has moved to another organisation than the one it was addressed for, has dropped
 * the topic, or may no longer read the record (a RESTRICTED report, an INTERNAL log entry, an
 * incident the organisation has left), exactly as `situationReport(id)` and the others would
 * refuse it to them. The record is read only to decide that: the notice carries none of it.
 */
@Injectable()
export class EmailNoticesService {
  constructor(
    private readonly users: UsersService,
    private readonly preferences: NotificationPreferencesService,
    private readonly payloads: WebhookPayloadsService,
  ) {}

  /** `group`: one user's deliveries (several for a digest). */
  async decide(group: readonly EmailDelivery[]): Promise<Recipient | { skipAll: string }> {
    const userId = group[0].user_id;
    const requestId = `email-${group[0].id}`;
    const user = await this.users.load(RequestContext.system(requestId), userId);
    if (!user?.active) return { skipAll: 'recipient deactivated' };
    const prefs = await this.preferences.forRecipient(userId);
    if (!prefs) return { skipAll: 'recipient has no preferences' };
    const principal: Principal = { kind: 'user', userId, apiKeyId: null, organisationId: user.organisationId, role: user.role, scopes: null };
    const decisions: NoticeDecision[] = [];
    for (const d of group) {
      if (d.addressed_organisation_id !== user.organisationId) decisions.push({ id: d.id, skip: 'recipient moved to another organisation' });
      else if (!prefs.topics.includes(d.topic)) decisions.push({ id: d.id, skip: 'recipient opted out of the topic' });
      else decisions.push(await this.notice(principal, d, requestId));
    }
    return { email: user.email, language: prefs.language, decisions };
  }

  private async notice(principal: Principal, d: EmailDelivery, requestId: string): Promise<NoticeDecision> {
    try {
      const record = await this.payloads.readAs(principal, d.event_type, d.subject_id, requestId);
      const incident = record && (await this.payloads.incidentAs(principal, d.incident_id, requestId));
      if (!record || !incident) return { id: d.id, skip: 'not readable by the recipient' };
      return { id: d.id, notice: { topic: d.topic, type: d.event_type, incidentId: d.incident_id, incidentReference: incident.reference, incidentTitle: incident.title } };
    } catch (e) {
      return { id: d.id, error: `the event could not be read: ${(e as Error).message}`.slice(0, 500) };
    }
  }
}
