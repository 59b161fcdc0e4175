import { Injectable } from '@nestjs/common';
import { NotificationTopic, NotificationType } from '../common/notifications/outbox-sink.js';
import { RequestContext } from '../common/request/request-context.js';
import { TransactionService } from '../database/transaction.service.js';
import { LogEntriesService } from '../staff-log/log-entries.service.js';

/** Overdue tasks looked for: those whose due time passed within this window (older ones were told about, or predate the hub's e-mail). */
const WINDOW_HOURS = 7 * 24;
const BATCH = 500;

/**
 * TASK_OVERDUE: a task does not become overdue through a mutation, so the worker looks (every
 * minute) for open tasks whose due time has passed, and queues a notice for the people of the
 * responsible organisation who asked, once per task and due time (`overdue_notices`; a new due
 * time is a new notice). The rows of `overdue_notices` and of the outbox are written in one
 * transaction, so replicas looking at the same moment queue each notice once.
 */
@Injectable()
export class OverdueNoticesService {
  constructor(
    private readonly log: LogEntriesService,
    private readonly tx: TransactionService,
  ) {}

  /** The number of notices queued. */
  async queueNew(): Promise<number> {
    const tasks = await this.log.overdueTasks(WINDOW_HOURS, BATCH);
    if (!tasks.length) return 0;
    return this.tx.run(RequestContext.system('overdue-notices'), async (tx) => {
      const fresh = await tx.query<{ log_entry_id: string; due_at: Date }>(
        `INSERT INTO overdue_notices (log_entry_id, due_at) SELECT * FROM unnest($1::uuid[], $2::timestamptz[])
         ON CONFLICT DO NOTHING RETURNING log_entry_id, due_at`,
        [tasks.map((t) => t.id), tasks.map((t) => t.due_at)],
      );
      const byId = new Map(tasks.map((t) => [t.id, t]));
      for (const { log_entry_id } of fresh) {
        const t = byId.get(log_entry_id)!;
        tx.notify({
          type: NotificationType.LOG_ENTRY_CHANGED,
          incidentId: t.incident_id,
          subjectId: t.id,
          addressed: [{ topic: NotificationTopic.TASK_OVERDUE, organisationIds: [t.responsible_organisation_id] }],
          addressedOnly: true,
        });
      }
      return fresh.length;
    });
  }
}
