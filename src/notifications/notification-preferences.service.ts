import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError } from '../common/errors/domain-errors.js';
import type { RequestContext } from '../common/request/request-context.js';
import { TransactionService } from '../database/transaction.service.js';
import type { UpdateNotificationPreferencesInput } from './dto/notification-preferences.input.js';
import { NO_PREFERENCES, NotificationPreferences, PREFERENCES_COLUMNS, type NotificationPreferencesRow } from './models/notification-preferences.model.js';
import { emailDueSql, OutboxService } from './outbox.service.js';

/**
 * A user's own notification preferences: only ever the caller's (an API key has no user, and
 * nobody reads or sets another user's), so there is no record to check access to.
 */
@Injectable()
export class NotificationPreferencesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tx: TransactionService,
    private readonly outbox: OutboxService,
  ) {}

  async mine(ctx: RequestContext): Promise<NotificationPreferences> {
    const [row] = await this.db.query<NotificationPreferencesRow[]>(`SELECT ${PREFERENCES_COLUMNS} FROM notification_preferences WHERE user_id = $1`, [userOf(ctx)]);
    return NotificationPreferences.fromRow(row ?? NO_PREFERENCES, this.outbox.emailOn);
  }

  /** The row for the recipient of an e-mail, read when it is sent (an opt-out since it was queued counts). */
  async forRecipient(userId: string): Promise<NotificationPreferencesRow | null> {
    const [row] = await this.db.query<NotificationPreferencesRow[]>(`SELECT ${PREFERENCES_COLUMNS} FROM notification_preferences WHERE user_id = $1`, [userId]);
    return row ?? null;
  }

  /**
   * Upserts what is given. A changed digest setting moves the user's queued e-mail to the new
   * schedule (to now for "at once"); topics dropped are not sent either (checked at delivery).
   */
  async update(ctx: RequestContext, input: UpdateNotificationPreferencesInput): Promise<NotificationPreferences> {
    const userId = userOf(ctx);
    const topics = input.topics && [...new Set(input.topics)].sort();
    const digest = input.digestHours === undefined ? undefined : input.digestHours === 0 ? null : input.digestHours;
    return this.tx.run(ctx, async (tx) => {
      const [row] = await tx.query<NotificationPreferencesRow>(
        `INSERT INTO notification_preferences AS p (user_id, topics, digest_hours, language)
         VALUES ($1, COALESCE($2::text[], '{}'), CASE WHEN $3::boolean THEN $4::int END, COALESCE($5, 'sv'))
         ON CONFLICT (user_id) DO UPDATE SET topics = COALESCE($2::text[], p.topics),
                digest_hours = CASE WHEN $3::boolean THEN $4::int ELSE p.digest_hours END,
                language = COALESCE($5, p.language), updated_at = clock_timestamp()
         RETURNING ${PREFERENCES_COLUMNS}`,
        [userId, topics ?? null, digest !== undefined, digest ?? null, input.language ?? null],
      );
      if (digest !== undefined) {
        await tx.query(
          `UPDATE outbox_deliveries SET digest = $2::int IS NOT NULL, next_attempt_at = ${emailDueSql('$2::int')}
            WHERE user_id = $1 AND status = 'PENDING' AND attempts = 0`,
          [userId, digest],
        );
      }
      tx.audit({
        action: 'notificationPreferences.update',
        entityType: 'User',
        entityId: userId,
        details: { topics: row.topics, digestHours: row.digest_hours ?? 0, language: row.language },
      });
      return NotificationPreferences.fromRow(row, this.outbox.emailOn);
    });
  }
}

function userOf(ctx: RequestContext): string {
  const p = ctx.who;
  if (p.kind !== 'user' || !p.userId) throw new ForbiddenError('Notification preferences belong to a user; an API key has none');
  return p.userId;
}
