import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { Permission } from '../common/access/permission.js';
import { isAtLeast, seesAllIncidents } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { rowLoader } from '../common/loaders/row-loader.js';
import { decodeCursor, toConnection, type Connection } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { Tx } from '../database/transaction.service.js';
import { likePattern } from '../incidents/incidents.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { ResourceCatalogueService } from '../resources/resource-catalogue.service.js';
import { ResourceRequestPriority } from '../resources/models/resource.enums.js';
import { blankToNull } from '../staff-log/log-entries.service.js';
import { LogEntryKind } from '../staff-log/models/staff-log.enums.js';
import type { CreateScenarioInput, ScenarioContentInput, ScenariosArgs, UpdateScenarioInput } from './dto/scenario.inputs.js';
import {
  Scenario,
  SCENARIO_COLUMNS,
  ScenarioVersion,
  VERSION_COLUMNS,
  type ScenarioContent,
  type ScenarioRow,
  type ScenarioVersionRow,
} from './models/scenario.model.js';
import { scenarioVisibleSql } from './scenarios.access.js';
import { FeatureKit } from '../database/feature-kit.js';

/** Kinds that have a responsible organisation and a due time (as in the staff log). */
const TASK_KINDS = [LogEntryKind.NEED, LogEntryKind.QUESTION, LogEntryKind.ACTION];

/**
 * Prepared scenarios (docs/scenarios.md): a scenario row and its immutable versions, each the
 * whole content an activation starts. Reading and the rules through AccessService (ScenarioRead,
 * ScenarioEdit); what the caller may not see is NOT_FOUND.
 */
@Injectable()
export class ScenariosService {
  constructor(
    private readonly kit: FeatureKit,
    private readonly organisations: OrganisationsService,
    private readonly catalogue: ResourceCatalogueService,
  ) {}

  // ------------------------------------------------------------------ reading

  async findVisible(ctx: RequestContext, id: string): Promise<Scenario> {
    const row = await this.kit.access.readChecked(ctx, Permission.ScenarioRead, id, () => this.scenarioLoader(ctx).load(id.toLowerCase()));
    return Scenario.fromRow(row);
  }

  /** `scenarios`: the visible ones, by name; archived ones only when the filter asks. */
  async list(ctx: RequestContext, args: ScenariosArgs): Promise<Connection<Scenario>> {
    const p = ctx.who;
    const f = args.filter ?? {};
    const params: unknown[] = [p.organisationId, seesAllIncidents(p), f.archived ?? false];
    const param = (v: unknown) => `$${params.push(v)}`;
    const where = [scenarioVisibleSql('s', '$1', '$2'), 's.archived = $3'];
    if (f.shared !== undefined && f.shared !== null) where.push(`(s.owner_organisation_id IS NULL) = ${param(f.shared)}`);
    if (f.search?.trim()) where.push(`s.name ILIKE ${param(likePattern(f.search.trim()))}`);
    const [{ total }] = await this.kit.db.query(`SELECT count(*)::int AS total FROM scenarios s WHERE ${where.join(' AND ')}`, params);
    const cursor = decodeCursor(args.after, ['text', 'uuid']);
    if (cursor) where.push(`(lower(s.name), s.id) > (${param(String(cursor[0]))}, ${param(String(cursor[1]))}::uuid)`);
    const rows: ScenarioRow[] = await this.kit.db.query(
      `SELECT ${SCENARIO_COLUMNS} FROM scenarios s WHERE ${where.join(' AND ')} ORDER BY lower(s.name), s.id LIMIT ${param(args.first + 1)}`,
      params,
    );
    return toConnection(rows, args.first, total, (r) => [r.name.toLowerCase(), r.id], Scenario.fromRow);
  }

  /** Scenario.currentVersion; the scenario was reached through a visibility check. One statement for every scenario of a request. */
  async currentVersion(ctx: RequestContext, scenario: Scenario): Promise<ScenarioVersion> {
    const loader = ctx.loader(
      'scenarioCurrentVersion',
      () =>
        new DataLoader<string, ScenarioVersionRow | undefined>(async (ids) => {
          const rows: ScenarioVersionRow[] = await this.kit.db.query(
            `SELECT ${VERSION_COLUMNS} FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id AND v.version = s.current_version
              WHERE s.id = ANY($1::uuid[])`,
            [ids as string[]],
          );
          return ids.map((id) => rows.find((r) => r.scenario_id === id));
        }),
    );
    const row = await loader.load(scenario.id);
    if (!row) throw new NotFoundError('Scenario', scenario.id);
    return ScenarioVersion.fromRow(row);
  }

  /** Incident.scenarioVersion: the version an incident was started from, reached through the visible incident. Batched. */
  async version(ctx: RequestContext, id: string): Promise<ScenarioVersion | null> {
    const row = await rowLoader<ScenarioVersionRow>(ctx, this.kit.db, 'scenarioVersion', `SELECT ${VERSION_COLUMNS} FROM scenario_versions v WHERE v.id = ANY($1::uuid[])`).load(id);
    return row ? ScenarioVersion.fromRow(row) : null;
  }

  private scenarioLoader(ctx: RequestContext) {
    return rowLoader<ScenarioRow>(ctx, this.kit.db, 'scenario', `SELECT ${SCENARIO_COLUMNS} FROM scenarios s WHERE s.id = ANY($1::uuid[])`);
  }

  /** The printable card (GET /scenarios/:id/card): the current version with the names of its organisations and resource types. */
  async card(ctx: RequestContext, id: string): Promise<ScenarioCard> {
    const scenario = await this.findVisible(ctx, id);
    const v = await this.currentVersion(ctx, scenario);
    const orgName = async (orgId: string | null) => (orgId ? ((await this.organisations.findById(ctx, orgId))?.name ?? orgId) : null);
    const types = new Map((v.resourceNeeds.length ? await this.catalogue.listTypes(ctx) : []).map((t) => [t.id, t]));
    return {
      scenario: { id: scenario.id, name: scenario.name, shared: scenario.shared, owner: await orgName(scenario.ownerOrganisationId), archived: scenario.archived },
      version: { id: v.id, version: v.version, createdAt: v.createdAt.toISOString() },
      incident: { category: v.category, title: v.title, description: v.description },
      lead: (await orgName(v.leadOrganisationId))!,
      participants: await Promise.all(v.participantOrganisationIds.map(async (o) => (await orgName(o))!)),
      reportIntervalMinutes: v.reportIntervalMinutes,
      links: await Promise.all(v.links.map(async ({ participantOrganisationIds, ...l }) => ({ ...l, invited: await Promise.all(participantOrganisationIds.map(async (o) => (await orgName(o))!)) }))),
      logEntries: await Promise.all(v.logEntries.map(async ({ responsibleOrganisationId, ...e }) => ({ ...e, responsible: await orgName(responsibleOrganisationId) }))),
      meetings: v.meetings,
      resourceNeeds: v.resourceNeeds.map(({ resourceTypeId, ...n }) => ({ ...n, resourceType: types.get(resourceTypeId)?.name ?? resourceTypeId, unit: types.get(resourceTypeId)?.unit ?? '' })),
    };
  }

  // ------------------------------------------------------------------ changing

  /** LIAISON_OFFICER and up (the guard) for the own organisation; a shared (regional) one: COORDINATOR and up. */
  async create(ctx: RequestContext, input: CreateScenarioInput): Promise<Scenario> {
    const p = ctx.who;
    if (input.shared && !isAtLeast(p, Role.COORDINATOR)) throw new ForbiddenError('Only a coordinator may make a regional (shared) scenario');
    const content = await this.validContent(ctx, input.content, 'input.content');
    return this.kit.tx.run(ctx, async (tx) => {
      const [row] = await tx.query<ScenarioRow>(
        `INSERT INTO scenarios AS s (name, owner_organisation_id, current_version) VALUES ($1, $2, 1) RETURNING ${SCENARIO_COLUMNS}`,
        [input.name.trim(), input.shared ? null : p.organisationId],
      );
      const version = await this.insertVersion(ctx, tx, row.id, 1, row.name, content);
      tx.audit({ action: 'scenario.create', entityType: 'Scenario', entityId: row.id, details: { name: row.name, shared: !!input.shared, versionId: version.id } });
      return Scenario.fromRow(row);
    });
  }

  /** A new version (the name, the content, or both); the incidents started from earlier versions keep theirs. */
  async update(ctx: RequestContext, input: UpdateScenarioInput): Promise<Scenario> {
    const id = input.scenarioId.toLowerCase();
    const content = input.content ? await this.validContent(ctx, input.content, 'input.content') : null;
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.ScenarioEdit, id, tx.manager);
      const current = await this.lockCurrent(tx, id);
      if (current.archived) throw scenarioArchivedError();
      const next = current.version + 1;
      const name = input.name?.trim() ?? current.name;
      const version = await this.insertVersion(ctx, tx, id, next, name, content ?? current.content);
      const [row] = await tx.query<ScenarioRow>(
        `UPDATE scenarios s SET name = $2, current_version = $3, updated_at = clock_timestamp() WHERE s.id = $1 RETURNING ${SCENARIO_COLUMNS}`,
        [id, name, next],
      );
      tx.audit({ action: 'scenario.update', entityType: 'Scenario', entityId: id, details: { name, version: next, versionId: version.id, contentChanged: !!content } });
      return Scenario.fromRow(row);
    });
  }

  /** Archived for good: kept for the incidents that name its versions, never activated or edited again. */
  async archive(ctx: RequestContext, rawId: string): Promise<Scenario> {
    const id = rawId.toLowerCase();
    return this.kit.tx.run(ctx, async (tx) => {
      await this.kit.access.requireAccess(ctx, Permission.ScenarioEdit, id, tx.manager);
      const current = await this.lockCurrent(tx, id);
      if (current.archived) throw scenarioArchivedError();
      const [row] = await tx.query<ScenarioRow>(`UPDATE scenarios s SET archived = true, updated_at = clock_timestamp() WHERE s.id = $1 RETURNING ${SCENARIO_COLUMNS}`, [id]);
      tx.audit({ action: 'scenario.archive', entityType: 'Scenario', entityId: id, details: { version: current.version } });
      return Scenario.fromRow(row);
    });
  }

  /**
   * The scenario's current version, the scenario row locked (FOR UPDATE by an edit, FOR SHARE by
   * an activation): an activation and an edit of one scenario queue, so an activation copies
   * exactly one version.
   */
  async lockCurrent(tx: Tx, id: string, mode: 'UPDATE' | 'SHARE' = 'UPDATE'): Promise<ScenarioVersionRow & { archived: boolean }> {
    const [row] = await tx.query<ScenarioVersionRow & { archived: boolean }>(
      `SELECT ${VERSION_COLUMNS}, s.archived FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = s.current_version
        WHERE s.id = $1 FOR ${mode} OF s`,
      [id],
    );
    if (!row) throw new NotFoundError('Scenario', id);
    return row;
  }

  private async insertVersion(ctx: RequestContext, tx: Tx, scenarioId: string, version: number, name: string, content: ScenarioContent): Promise<{ id: string }> {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO scenario_versions (scenario_id, version, name, lead_organisation_id, content, created_by_user_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [scenarioId, version, name, content.leadOrganisationId, JSON.stringify(content), ctx.who.userId],
    );
    return row;
  }

  /**
   * The content as stored: ids in lower case, texts trimmed, defaults filled in; BAD_USER_INPUT
   * naming the field for an unknown or inactive organisation, a link, responsibility or
   * invitation of an organisation that takes no part, a field a kind does not have, meetings
   * whose offsets go backwards and an unknown resource type.
   */
  async validContent(ctx: RequestContext, input: ScenarioContentInput, at: string): Promise<ScenarioContent> {
    const lead = input.leadOrganisationId.toLowerCase();
    const participants = [...new Set((input.participantOrganisationIds ?? []).map((id) => id.toLowerCase()))].filter((id) => id !== lead);
    await this.requireActive(ctx, [lead], `${at}.leadOrganisationId`);
    await this.requireActive(ctx, participants, `${at}.participantOrganisationIds`);
    const takingPart = new Set([lead, ...participants]);

    const links = (input.links ?? []).map((l, i) => {
      const field = `${at}.links[${i}].participantOrganisationIds`;
      const invited = [...new Set(l.participantOrganisationIds.map((id) => id.toLowerCase()))].filter((id) => id !== lead);
      const outsiders = invited.filter((id) => !takingPart.has(id));
      if (outsiders.length) throw BadUserInputError.field(field, `${field}: ${outsiders.join(', ')} take no part in the scenario`);
      if (!invited.length) throw BadUserInputError.field(field, `${field} must name at least one participant besides the lead`);
      return { name: l.name.trim(), channel: l.channel, address: l.address.trim(), schedule: blankToNull(l.schedule), participantOrganisationIds: invited };
    });

    const logEntries = (input.logEntries ?? []).map((e, i) => {
      const field = `${at}.logEntries[${i}]`;
      if (e.kind === LogEntryKind.DECISION) throw BadUserInputError.field(`${field}.kind`, `${field}.kind cannot be DECISION: a decision answers a question at a meeting`);
      const task = TASK_KINDS.includes(e.kind);
      const responsible = e.responsibleOrganisationId?.toLowerCase() ?? null;
      if (!task && responsible) throw BadUserInputError.field(`${field}.responsibleOrganisationId`, `${field}.responsibleOrganisationId is only for NEED, QUESTION and ACTION entries`);
      if (!task && e.dueOffsetMinutes != null) throw BadUserInputError.field(`${field}.dueOffsetMinutes`, `${field}.dueOffsetMinutes is only for NEED, QUESTION and ACTION entries`);
      if (responsible && !takingPart.has(responsible)) {
        throw BadUserInputError.field(`${field}.responsibleOrganisationId`, `${field}.responsibleOrganisationId ${responsible} takes no part in the scenario`);
      }
      return { kind: e.kind, title: e.title.trim(), text: blankToNull(e.text), responsibleOrganisationId: responsible, dueOffsetMinutes: e.dueOffsetMinutes ?? null };
    });

    const meetings = (input.meetings ?? []).map((m, i) => {
      const previous = input.meetings![i - 1];
      if (previous && m.offsetMinutes < previous.offsetMinutes) {
        throw BadUserInputError.field(`${at}.meetings[${i}].offsetMinutes`, `${at}.meetings[${i}].offsetMinutes goes backwards: before the meeting listed before it`);
      }
      return { kind: m.kind, title: m.title.trim(), offsetMinutes: m.offsetMinutes, dailyAt: m.dailyAt ?? null };
    });

    const needs = input.resourceNeeds ?? [];
    const known = needs.length ? new Set((await this.catalogue.listTypes(ctx)).map((t) => t.id)) : new Set<string>();
    const resourceNeeds = needs.map((n, i) => {
      const type = n.resourceTypeId.toLowerCase();
      if (!known.has(type)) throw BadUserInputError.field(`${at}.resourceNeeds[${i}].resourceTypeId`, `${at}.resourceNeeds[${i}].resourceTypeId ${type} is no resource type of the catalogue`);
      return { resourceTypeId: type, quantity: n.quantity, priority: n.priority ?? ResourceRequestPriority.NORMAL, justification: blankToNull(n.justification) };
    });

    return {
      category: input.category,
      title: input.title.trim(),
      description: input.description,
      leadOrganisationId: lead,
      participantOrganisationIds: participants,
      reportIntervalMinutes: input.reportIntervalMinutes ?? null,
      links,
      logEntries,
      meetings,
      resourceNeeds,
    };
  }

  private async requireActive(ctx: RequestContext, ids: string[], field: string): Promise<void> {
    const found = await Promise.all(ids.map((id) => this.organisations.findById(ctx, id)));
    const missing = ids.filter((_, i) => !found[i]?.active);
    if (missing.length) throw BadUserInputError.field(field, `${field} names unknown or inactive organisations: ${missing.join(', ')}`);
  }
}

/** The printable card, as JSON and as the data of the HTML page: names rather than ids. */
export interface ScenarioCard {
  scenario: { id: string; name: string; shared: boolean; owner: string | null; archived: boolean };
  version: { id: string; version: number; createdAt: string };
  incident: { category: string; title: string; description: string };
  lead: string;
  participants: string[];
  reportIntervalMinutes: number | null;
  links: { name: string; channel: string; address: string; schedule: string | null; invited: string[] }[];
  logEntries: { kind: string; title: string; text: string | null; responsible: string | null; dueOffsetMinutes: number | null }[];
  meetings: { kind: string; title: string; offsetMinutes: number; dailyAt: string | null }[];
  resourceNeeds: { resourceType: string; unit: string; quantity: number; priority: string; justification: string | null }[];
}

export function scenarioArchivedError(): ConflictError {
  return new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, 'The scenario is archived; it can no longer be changed or activated');
}
