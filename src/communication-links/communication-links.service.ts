import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { Permission } from '../common/access/permission.js';
import { StampedCache, stampedRows, type PictureStamps } from '../common/cache/picture-stamps.js';
import type { Tx } from '../database/transaction.service.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { NotificationType } from '../common/notifications/outbox-sink.js';
import { PerEvent } from '../common/events/per-event.js';
import { selectEvents } from '../common/events/select-events.js';
import { listLoader, rowLoader } from '../common/loaders/row-loader.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { lockOpenIncident } from '../incidents/incident-locks.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import type { IncidentFacts } from '../incidents/incidents.access.js';
import type { Incident } from '../incidents/models/incident.model.js';
import type { ProposeCommunicationLinkInput, RespondToCommunicationLinkInput } from './dto/communication-link.inputs.js';
import { CommunicationLinkStatus, LinkParticipantStatus } from './models/communication-link-enums.js';
import {
  CommunicationLink,
  CommunicationLinkParticipant,
  LINK_COLUMNS,
  PARTICIPANT_COLUMNS,
  type CommunicationLinkRow,
  type LinkParticipantRow,
} from './models/communication-link.model.js';
import { FeatureKit } from '../database/feature-kit.js';

export const LINK_CHANGED_TOPIC = 'communicationLinkChanged';

/** What crosses the event bus (as JSON through Redis): the link row, dates as ISO strings. */
export interface LinkChangedEvent {
  link: CommunicationLinkRow;
}

const ALL_STATUSES = [CommunicationLinkStatus.PROPOSED, CommunicationLinkStatus.ACTIVE, CommunicationLinkStatus.CLOSED];

/**
 * Communication links (samband): proposed by a participant of an incident, answered by the
 * organisations it invites, closed by the initiator or a coordinator. A link is visible to
 * whoever sees its incident (AccessService); what the caller may not see is NOT_FOUND.
 */
@Injectable()
export class CommunicationLinksService {
  private readonly activeForPictures: StampedCache<CommunicationLinkRow>;

  constructor(
    private readonly kit: FeatureKit,
    private readonly incidents: IncidentsService,
    config: AppConfig,
  ) {
    this.activeForPictures = new StampedCache(config.pictureCache.partRows);
  }

  // ------------------------------------------------------------------ reading

  /** `communicationLink(id)`: NOT_FOUND alike for an unknown link and one in an incident the caller may not see. */
  async findVisible(ctx: RequestContext, id: string): Promise<CommunicationLink> {
    const row = await this.kit.access.readChecked(ctx, Permission.LinkRead, id, () => this.linkLoader(ctx).load(id));
    return CommunicationLink.fromRow(row);
  }

  /**
   * `OperationalPicture.activeCommunicationLinks`, oldest first; cached under the picture's
   * change stamps (the same for every viewer of the incident).
   */
  async activeForPicture(ctx: RequestContext, incidentId: string, stamps: PictureStamps): Promise<CommunicationLink[]> {
    const rows = await stampedRows(
      this.activeForPictures,
      this.kit.db,
      incidentId,
      stamps,
      `SELECT s.incident_stamp, s.directory_stamp, ${LINK_COLUMNS.split(', ').map((c) => `l.${c}`).join(', ')}
         FROM s LEFT JOIN communication_links l ON l.incident_id = $1 AND l.status = 'ACTIVE'
        ORDER BY l.created_at, l.id`,
    );
    return rows.map(CommunicationLink.fromRow);
  }

  /**
   * `Incident.communicationLinks`, oldest first. The parent
   * incident was reached through a visibility check. Batched: one query for all incidents of a request.
   */
  async forIncident(ctx: RequestContext, incidentId: string, statuses?: CommunicationLinkStatus[]): Promise<CommunicationLink[]> {
    const wanted = statuses?.length ? [...new Set(statuses)].sort() : ALL_STATUSES;
    const rows = await this.byIncidentLoader(ctx).load(`${incidentId}|${wanted.join(',')}`);
    return rows.map(CommunicationLink.fromRow);
  }

  /** `CommunicationLink.participants`: the initiator first, then by name; batched per request. */
  async participants(ctx: RequestContext, linkId: string): Promise<CommunicationLinkParticipant[]> {
    const loader = listLoader<CommunicationLinkParticipant, LinkParticipantRow>(
      ctx,
      'communicationLinks.participants',
      (ids) =>
        this.kit.db.query(
          `SELECT ${PARTICIPANT_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')}
             FROM communication_link_participants p
             JOIN communication_links l ON l.id = p.link_id
             JOIN organisations o ON o.id = p.organisation_id
            WHERE p.link_id = ANY($1::uuid[])
            ORDER BY (p.organisation_id = l.initiating_organisation_id) DESC, lower(o.name), o.id`,
          [ids],
        ),
      (r) => r.link_id,
      CommunicationLinkParticipant.fromRow,
    );
    return loader.load(linkId);
  }

  /** `CommunicationLink.incident`: the link was reached through a visible incident. */
  incidentOf(ctx: RequestContext, incidentId: string): Promise<Incident> {
    return this.incidents.load(ctx, incidentId);
  }

  private linkLoader(ctx: RequestContext) {
    return rowLoader<CommunicationLinkRow>(ctx, this.kit.db, 'communicationLinks.link', `SELECT ${LINK_COLUMNS} FROM communication_links WHERE id = ANY($1::uuid[])`);
  }

  private byIncidentLoader(ctx: RequestContext) {
    return ctx.loader(
      'communicationLinks.byIncident',
      () =>
        new DataLoader<string, CommunicationLinkRow[]>(async (keys) => {
          const parsed = keys.map((k) => {
            const [incidentId, statuses] = k.split('|');
            return { incidentId, statuses: statuses.split(',') };
          });
          const rows: CommunicationLinkRow[] = await this.kit.db.query(
            `SELECT ${LINK_COLUMNS} FROM communication_links WHERE incident_id = ANY($1::uuid[]) ORDER BY created_at, id`,
            [[...new Set(parsed.map((p) => p.incidentId))]],
          );
          return parsed.map((p) => rows.filter((r) => r.incident_id === p.incidentId && p.statuses.includes(r.status)));
        }),
    );
  }

  // ------------------------------------------------------------------ changing

  /**
   * A participant proposes a link and invites other participants; its own organisation joins
   * as ACCEPTED with its contact. The link stays PROPOSED until an invitee accepts.
   */
  async propose(ctx: RequestContext, input: ProposeCommunicationLinkInput): Promise<CommunicationLink> {
    const incidentId = input.incidentId.toLowerCase();
    return this.incidents.inOpenIncident(ctx, incidentId, Permission.IncidentContribute, (tx, incident) =>
      this.proposeIn(ctx, tx, incident, ctx.who.organisationId, { ...input, incidentId }),
    );
  }

  /**
   * The proposal itself, inside the caller's transaction, for `organisationId` (the caller's
   * own, or a scenario's lead at activation), in an incident the caller has checked access to
   * and share-locked (`incident`: its participants then).
   */
  async proposeIn(ctx: RequestContext, tx: Tx, incident: IncidentFacts, organisationId: string, input: ProposeCommunicationLinkInput): Promise<CommunicationLink> {
    const p = ctx.who;
    const incidentId = input.incidentId;
    const invitees = [...new Set(input.participantOrganisationIds.map((id) => id.toLowerCase()))].filter((id) => id !== organisationId);
    if (!invitees.length) {
      throw BadUserInputError.field('input.participantOrganisationIds', 'input.participantOrganisationIds must name at least one organisation besides your own');
    }
    const missing = invitees.filter((id) => !incident.participantOrganisationIds.includes(id));
    if (missing.length) {
      throw BadUserInputError.field('input.participantOrganisationIds', `input.participantOrganisationIds: ${missing.join(', ')} take no part in the incident`);
    }

    const [row] = await tx.query<CommunicationLinkRow>(
      `INSERT INTO communication_links (incident_id, name, channel, address, schedule, initiating_organisation_id, created_by_user_id, created_by_api_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${LINK_COLUMNS}`,
      [incidentId, input.name.trim(), input.channel, input.address.trim(), blankToNull(input.schedule), organisationId, p.userId, p.apiKeyId],
    );
    await tx.query(
      `INSERT INTO communication_link_participants (link_id, organisation_id, status, contact_name, contact_phone, responded_at, responded_by_user_id, responded_by_api_key_id)
       VALUES ($1, $2, 'ACCEPTED', $3, $4, now(), $5, $6)`,
      [row.id, organisationId, blankToNull(input.contactName), blankToNull(input.contactPhone), p.userId, p.apiKeyId],
    );
    await tx.query(
      `INSERT INTO communication_link_participants (link_id, organisation_id, status)
       SELECT $1, unnest($2::uuid[]), 'INVITED'`,
      [row.id, invitees],
    );
    tx.audit({
      action: 'communicationLink.propose',
      entityType: 'CommunicationLink',
      entityId: row.id,
      details: { incidentId, name: row.name, channel: row.channel, address: row.address, schedule: row.schedule, invitedOrganisationIds: invitees },
    });
    this.publishAfterCommit(tx, row);
    return CommunicationLink.fromRow(row);
  }

  /**
   * An invited organisation accepts or declines, leaving its contact; it may answer again (and
   * change its mind) while the link is open. The first acceptance makes a PROPOSED link ACTIVE.
   */
  async respond(ctx: RequestContext, input: RespondToCommunicationLinkInput): Promise<CommunicationLink> {
    const p = ctx.who;
    const linkId = input.linkId.toLowerCase();
    return this.kit.tx.run(ctx, async (tx) => {
      const link = await this.lockLink(ctx, tx, Permission.LinkRespond, linkId);
      const [own] = await tx.query<LinkParticipantRow>(
        `SELECT ${PARTICIPANT_COLUMNS} FROM communication_link_participants WHERE link_id = $1 AND organisation_id = $2 FOR UPDATE`,
        [linkId, p.organisationId],
      );
      if (link.status === CommunicationLinkStatus.CLOSED) {
        throw new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, 'The link is closed; nobody can respond to it any more');
      }
      const status = input.accept ? LinkParticipantStatus.ACCEPTED : LinkParticipantStatus.DECLINED;
      await tx.query(
        `UPDATE communication_link_participants
            SET status = $3, contact_name = COALESCE($4, contact_name), contact_phone = COALESCE($5, contact_phone),
                responded_at = now(), responded_by_user_id = $6, responded_by_api_key_id = $7
          WHERE link_id = $1 AND organisation_id = $2`,
        [linkId, p.organisationId, status, blankToNull(input.contactName), blankToNull(input.contactPhone), p.userId, p.apiKeyId],
      );
      const activate = input.accept && link.status === CommunicationLinkStatus.PROPOSED;
      const [row] = await tx.query<CommunicationLinkRow>(
        `UPDATE communication_links
            SET status = CASE WHEN $2 THEN 'ACTIVE' ELSE status END,
                activated_at = CASE WHEN $2 THEN now() ELSE activated_at END,
                updated_at = now()
          WHERE id = $1 RETURNING ${LINK_COLUMNS}`,
        [linkId, activate],
      );
      tx.audit({
        action: 'communicationLink.respond',
        entityType: 'CommunicationLink',
        entityId: linkId,
        details: { accept: input.accept, previousStatus: own.status, linkStatus: row.status, contactName: input.contactName ?? null, contactPhone: input.contactPhone ?? null },
      });
      this.publishAfterCommit(tx, row);
      return CommunicationLink.fromRow(row);
    });
  }

  /** The initiating organisation (LIAISON_OFFICER and up) or a COORDINATOR closes a link; closing is final. */
  async close(ctx: RequestContext, id: string): Promise<CommunicationLink> {
    return this.kit.tx.run(ctx, async (tx) => {
      const link = await this.lockLink(ctx, tx, Permission.LinkClose, id);
      if (link.status === CommunicationLinkStatus.CLOSED) throw new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, 'The link is already closed');
      const [row] = await tx.query<CommunicationLinkRow>(
        `UPDATE communication_links SET status = 'CLOSED', closed_at = now(), updated_at = now() WHERE id = $1 RETURNING ${LINK_COLUMNS}`,
        [id],
      );
      tx.audit({ action: 'communicationLink.close', entityType: 'CommunicationLink', entityId: id, details: { previousStatus: link.status } });
      this.publishAfterCommit(tx, row);
      return CommunicationLink.fromRow(row);
    });
  }

  /**
   * The link, locked for update, after the access check for `permission` and a share lock on its
   * open incident (CONFLICT when closed). The incident is locked first, as every mutation in an
   * incident does, so that the lock order is the same everywhere.
   */
  private async lockLink(ctx: RequestContext, tx: Tx, permission: Permission, id: string): Promise<CommunicationLinkRow> {
    await this.kit.access.requireAccess(ctx, permission, id, tx.manager);
    const [{ incident_id }] = await tx.query<{ incident_id: string }>(`SELECT incident_id FROM communication_links WHERE id = $1`, [id]);
    await lockOpenIncident(tx, incident_id);
    const [link] = await tx.query<CommunicationLinkRow>(`SELECT ${LINK_COLUMNS} FROM communication_links WHERE id = $1 FOR UPDATE`, [id]);
    return link;
  }

  private publishAfterCommit(tx: Tx, row: CommunicationLinkRow): void {
    const link: CommunicationLinkRow = JSON.parse(JSON.stringify(row));
    tx.onCommit(() => this.kit.events.publish<LinkChangedEvent>(LINK_CHANGED_TOPIC, { link }));
    tx.notify({ type: NotificationType.COMMUNICATION_LINK_CHANGED, incidentId: row.incident_id, subjectId: row.id });
  }

  // ------------------------------------------------------------------ subscriptions

  /**
   * `communicationLinkChanged(incidentId)`: every change of a link in an incident the
   * subscriber may see, checked per event exactly as a query would (NOT_FOUND at subscribe
   * time for an incident the subscriber may not see).
   */
  async changes(ctx: RequestContext, incidentId?: string) {
    const p = ctx.who;
    if (incidentId) await this.kit.access.requireAccess(ctx, Permission.IncidentRead, incidentId);
    const source = this.kit.events.asyncIterator<LinkChangedEvent>(LINK_CHANGED_TOPIC);
    return selectEvents(ctx, 'communicationLinkChanged', source, async (event) => {
      const { link } = event;
      if (incidentId && link.incident_id !== incidentId) return undefined;
      const participantOrganisationIds = await this.linkEventParticipants.get(event);
      return this.kit.access.allowsByFacts(p, Permission.LinkRead, { participantOrganisationIds }) ? CommunicationLink.fromRow(link) : undefined;
    });
  }

  /** The participants of a link event's incident as committed now, read once per event for all its subscribers. */
  private readonly linkEventParticipants = new PerEvent<LinkChangedEvent, string[]>((e) => this.incidents.participantOrganisationIds(e.link.incident_id));

  // ------------------------------------------------------------------ the printable plan

  /**
   * The id of the incident with this reference (DEMO-0001, 2026-0042: what people quote), if the
   * caller may see it; otherwise NOT_FOUND naming the reference, alike for an incident that does
   * not exist and for one the caller may not see.
   */
  async visibleIncidentIdByReference(ctx: RequestContext, reference: string): Promise<string> {
    const id = await this.incidents.idByReference(reference);
    if (!id || !(await this.kit.access.checkAccess(ctx, Permission.IncidentRead, [id])).has(id)) throw new NotFoundError('Incident', reference);
    return id;
  }

  /** The incident's communication plan (ICS-205/205A): open links with their participants, and every participant's duty officer. */
  async plan(ctx: RequestContext, incidentId: string): Promise<CommunicationPlan> {
    await this.kit.access.requireAccess(ctx, Permission.IncidentRead, incidentId);
    const [incident] = await this.kit.db.query(
      `SELECT i.id, i.reference, i.title, i.status, i.exercise, i.location_name AS "locationName", o.name AS "leadOrganisation"
         FROM incidents i JOIN organisations o ON o.id = i.lead_organisation_id WHERE i.id = $1`,
      [incidentId],
    );
    const links: (Omit<CommunicationPlanLink, 'participants'> & { initiatingOrganisationId: string })[] = await this.kit.db.query(
      `SELECT l.id, l.name, l.channel, l.address, l.schedule, l.status, l.activated_at AS "activatedAt",
              l.initiating_organisation_id AS "initiatingOrganisationId", o.name AS "initiatingOrganisation"
         FROM communication_links l JOIN organisations o ON o.id = l.initiating_organisation_id
        WHERE l.incident_id = $1 AND l.status <> 'CLOSED'
        ORDER BY (l.status = 'ACTIVE') DESC, l.created_at, l.id`,
      [incidentId],
    );
    const linkParticipants: (CommunicationPlanLinkParticipant & { linkId: string })[] = await this.kit.db.query(
      `SELECT p.link_id AS "linkId", o.id AS "organisationId", o.name AS organisation, o.code, p.status,
              p.contact_name AS "contactName", p.contact_phone AS "contactPhone", o.duty_officer_phone AS "dutyOfficerPhone"
         FROM communication_link_participants p
         JOIN communication_links l ON l.id = p.link_id
         JOIN organisations o ON o.id = p.organisation_id
        WHERE l.incident_id = $1 AND l.status <> 'CLOSED'
        ORDER BY (p.organisation_id = l.initiating_organisation_id) DESC, lower(o.name), o.id`,
      [incidentId],
    );
    const participants: CommunicationPlanParticipant[] = await this.kit.db.query(
      `SELECT o.id AS "organisationId", o.name AS organisation, o.code, o.kind, ip.lead, o.duty_officer_phone AS "dutyOfficerPhone", o.email
         FROM incident_participants ip JOIN organisations o ON o.id = ip.organisation_id
        WHERE ip.incident_id = $1 ORDER BY ip.lead DESC, lower(o.name), o.id`,
      [incidentId],
    );
    return {
      incident,
      generatedAt: new Date().toISOString(),
      links: links.map(({ initiatingOrganisationId: _, ...l }) => ({
        ...l,
        activatedAt: l.activatedAt ? new Date(l.activatedAt).toISOString() : null,
        participants: linkParticipants.filter((lp) => lp.linkId === l.id).map(({ linkId: _id, ...lp }) => lp),
      })),
      participants,
    };
  }
}

export interface CommunicationPlanLinkParticipant {
  organisationId: string;
  organisation: string;
  code: string;
  status: LinkParticipantStatus;
  contactName: string | null;
  contactPhone: string | null;
  dutyOfficerPhone: string | null;
}

export interface CommunicationPlanLink {
  id: string;
  name: string;
  channel: string;
  address: string;
  schedule: string | null;
  status: CommunicationLinkStatus;
  activatedAt: string | null;
  initiatingOrganisation: string;
  participants: CommunicationPlanLinkParticipant[];
}

export interface CommunicationPlanParticipant {
  organisationId: string;
  organisation: string;
  code: string;
  kind: string;
  lead: boolean;
  dutyOfficerPhone: string | null;
  email: string | null;
}

/** The printable plan, as JSON and as the data of the HTML page. */
export interface CommunicationPlan {
  incident: { id: string; reference: string; title: string; status: string; exercise: boolean; locationName: string | null; leadOrganisation: string };
  generatedAt: string;
  /** The open links: ACTIVE first, then PROPOSED (awaiting answers); closed links are no longer part of the plan. */
  links: CommunicationPlanLink[];
  /** Every organisation taking part, the lead first, with its duty officer (ICS-205A). */
  participants: CommunicationPlanParticipant[];
}

function blankToNull(v: string | null | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}
