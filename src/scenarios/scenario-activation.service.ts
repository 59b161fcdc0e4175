import { Injectable } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
import { Permission } from '../common/access/permission.js';
import type { RequestContext } from '../common/request/request-context.js';
import { CommunicationLinksService } from '../communication-links/communication-links.service.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionService, type Tx } from '../database/transaction.service.js';
import { lockIncident } from '../incidents/incident-locks.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import type { Incident } from '../incidents/models/incident.model.js';
import { ResourceRequestsService } from '../resources/resource-requests.service.js';
import { LogEntriesService } from '../staff-log/log-entries.service.js';
import { MeetingsService } from '../staff-log/meetings.service.js';
import { LogEntryKind, LogVisibility } from '../staff-log/models/staff-log.enums.js';
import type { ActivateScenarioInput } from './dto/scenario.inputs.js';
import { offsetLabel } from './scenario-offsets.js';
import { scenarioArchivedError, ScenariosService } from './scenarios.service.js';

const MINUTE_MS = 60_000;

/**
 * activateScenario: the incident and everything the scenario's current version describes, in
 * one transaction (all or nothing, audited, idempotent with Idempotency-Key through
 * TransactionService), each part written by its own feature's Tx-taking method for the lead
 * organisation, so that each publishes its own subscription events after commit.
 */
@Injectable()
export class ScenarioActivationService {
  constructor(
    private readonly tx: TransactionService,
    private readonly access: AccessService,
    private readonly scenarios: ScenariosService,
    private readonly incidents: IncidentsService,
    private readonly links: CommunicationLinksService,
    private readonly entries: LogEntriesService,
    private readonly meetings: MeetingsService,
    private readonly requests: ResourceRequestsService,
    private readonly config: AppConfig,
  ) {}

  async activate(ctx: RequestContext, input: ActivateScenarioInput): Promise<Incident> {
    const id = input.scenarioId.toLowerCase();
    const at = input.startedAt ?? new Date();
    const offset = (minutes: number) => new Date(at.getTime() + minutes * MINUTE_MS);
    return this.tx.run(ctx, async (tx) => {
      await this.access.requireAccess(ctx, Permission.ScenarioActivate, id, tx.manager);
      const version = await this.scenarios.lockCurrent(tx, id, 'SHARE');
      if (version.archived) throw scenarioArchivedError();
      const c = version.content;
      const lead = c.leadOrganisationId;
      // Organisations deactivated since the version was written: BAD_USER_INPUT naming the
      // scenario's field, and the transaction rolls back whatever was written before.
      const incident = await this.incidents.createIn(
        tx,
        {
          title: input.title ?? c.title,
          description: input.description ?? c.description,
          category: c.category,
          exercise: input.exercise,
          startedAt: at,
          leadOrganisationId: lead,
          leadField: 'scenario.leadOrganisationId',
          participantOrganisationIds: c.participantOrganisationIds,
          scenarioVersionId: version.id,
        },
        'scenario.participantOrganisationIds',
      );
      const locked = await lockIncident(tx, incident.id);
      const incidentId = incident.id;
      for (const l of c.links) {
        await this.links.proposeIn(ctx, tx, locked, lead, { incidentId, name: l.name, channel: l.channel, address: l.address, schedule: l.schedule ?? undefined, participantOrganisationIds: l.participantOrganisationIds });
      }
      for (const e of c.logEntries) {
        await this.entries.writeIn(ctx, tx, locked, lead, {
          incidentId,
          kind: e.kind,
          title: e.title,
          text: e.text ?? undefined,
          visibility: LogVisibility.ALL_PARTICIPANTS,
          occurredAt: at,
          responsibleOrganisationId: e.responsibleOrganisationId ?? undefined,
          dueAt: e.dueOffsetMinutes == null ? undefined : offset(e.dueOffsetMinutes),
        });
      }
      // The reporting rhythm: every participant is asked, in the log they all read, how often to report.
      if (c.reportIntervalMinutes) {
        const every = offsetLabel(c.reportIntervalMinutes).slice(1);
        await this.entries.writeIn(ctx, tx, locked, lead, {
          incidentId,
          kind: LogEntryKind.INFORMATION,
          title: `Rapporteringsrytm: lägesrapport var ${every}`,
          text: `Varje deltagande aktör lämnar en lägesrapport minst var ${every}, den första inom ${every} från start, och anger i varje rapport när nästa kommer.`,
          visibility: LogVisibility.ALL_PARTICIPANTS,
          occurredAt: at,
        });
      }
      for (const m of c.meetings) {
        const startsAt = offset(m.offsetMinutes);
        await this.meetings.scheduleIn(ctx, tx, locked, lead, { incidentId, kind: m.kind, title: m.title, startsAt });
        if (m.dailyAt) await this.meetings.scheduleIn(ctx, tx, locked, lead, { incidentId, kind: m.kind, title: m.title, startsAt: await this.nextLocalTime(tx, startsAt, m.dailyAt) });
      }
      for (const n of c.resourceNeeds) {
        await this.requests.createIn(ctx, tx, locked, lead, {
          incidentId,
          resourceTypeId: n.resourceTypeId,
          quantity: n.quantity,
          priority: n.priority,
          justification: n.justification ?? undefined,
        });
      }
      tx.audit({
        action: 'scenario.activate',
        entityType: 'Scenario',
        entityId: id,
        details: { versionId: version.id, version: version.version, incidentId, reference: incident.reference, exercise: input.exercise },
      });
      return incident;
    });
  }

  /** The first `hh:mm` in the hub's time zone after `after` (the day's, or the next day's): PostgreSQL knows the zone's rules. */
  private async nextLocalTime(tx: Tx, after: Date, hhmm: string): Promise<Date> {
    const [{ at }] = await tx.query<{ at: Date }>(
      `SELECT (CASE WHEN ($1::timestamptz AT TIME ZONE $3)::time < $2::time
                    THEN ($1::timestamptz AT TIME ZONE $3)::date + $2::time
                    ELSE ($1::timestamptz AT TIME ZONE $3)::date + 1 + $2::time END) AT TIME ZONE $3 AS at`,
      [after, hhmm, this.config.timeZone],
    );
    return at;
  }
}
