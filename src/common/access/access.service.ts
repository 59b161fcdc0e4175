import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isAdmin, seesAllIncidents, type Principal } from '../auth/principal.js';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import { ConflictReason } from '../errors/error-codes.js';
import type { RequestContext } from '../request/request-context.js';

export interface IncidentAccess {
  id: string;
  status: 'ACTIVE' | 'MONITORING' | 'CLOSED';
  leadOrganisationId: string;
  /** The caller's organisation takes part in the incident. */
  participant: boolean;
}

export interface ReportVisibilityFacts {
  organisationId: string;
  visibility: 'ALL_PARTICIPANTS' | 'RESTRICTED';
  recipientOrganisationIds: string[];
}

export interface IncidentAccessRow {
  id: string;
  status: IncidentAccess['status'];
  lead_organisation_id: string;
  participant: boolean;
}

/**
 * What AccessService.requireIncident reads: the incident `incident` and whether the
 * organisation `org` takes part in it (no row: no such incident). A statement may read it
 * together with more, append `FOR SHARE OF i`, and hand the row to `incidentAccess`.
 */
export function incidentAccessSql(incident: string, org: string): string {
  return `SELECT i.id, i.status, i.lead_organisation_id,
                 EXISTS (SELECT 1 FROM incident_participants ip WHERE ip.incident_id = i.id AND ip.organisation_id = ${org}::uuid) AS participant
            FROM incidents i WHERE i.id = ${incident}::uuid`;
}

/**
 * The SQL twin of AccessService.requireIncident's rule, for statements that read an incident
 * together with what is in it (the operational picture): `incident` is the incident's id
 * column, `org` the caller's organisation, `seesAll` seesAllIncidents(caller). No row: NOT_FOUND.
 */
export function visibleIncidentSql(incident: string, org: string, seesAll: string): string {
  return `(${seesAll}::boolean OR EXISTS (SELECT 1 FROM incident_participants vp WHERE vp.incident_id = ${incident} AND vp.organisation_id = ${org}::uuid))`;
}

/**
 * The record-level access rules of DESIGN.md in one place, for queries, mutations, field
 * resolvers and subscriptions alike (the role check is the guard's). Whatever the caller may
 * not see is NOT_FOUND, never FORBIDDEN.
 */
@Injectable()
export class AccessService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The incident if the caller may see it (ADMIN, COORDINATOR: all; others: where their
   * organisation takes part), else NOT_FOUND. `lock` takes a share lock on the incident row
   * so that it cannot be closed while the caller's transaction adds to it.
   */
  async requireIncident(ctx: RequestContext, incidentId: string, m: EntityManager | DataSource = this.db, opts: { lock?: boolean } = {}): Promise<IncidentAccess> {
    const [row] = await m.query(`${incidentAccessSql('$1', '$2')} ${opts.lock ? 'FOR SHARE OF i' : ''}`, [incidentId, ctx.who.organisationId]);
    return this.incidentAccess(ctx.who, incidentId, row);
  }

  /** As requireIncident, and CONFLICT (INCIDENT_CLOSED) when nothing may change in it any more. */
  async requireOpenIncident(ctx: RequestContext, incidentId: string, m: EntityManager, opts: { lock?: boolean } = { lock: true }): Promise<IncidentAccess> {
    return this.open(await this.requireIncident(ctx, incidentId, m, opts));
  }

  /** requireIncident's verdict on a row of `incidentAccessSql`, for a statement that read it along with more. */
  incidentAccess(p: Principal, incidentId: string, row: IncidentAccessRow | undefined): IncidentAccess {
    if (!row || (!seesAllIncidents(p) && !row.participant)) throw new NotFoundError('Incident', incidentId);
    return { id: row.id, status: row.status, leadOrganisationId: row.lead_organisation_id, participant: row.participant };
  }

  /** requireOpenIncident's verdict on an incident the caller sees: CONFLICT (INCIDENT_CLOSED) when closed. */
  open(incident: IncidentAccess): IncidentAccess {
    if (incident.status === 'CLOSED') throw new ConflictError(ConflictReason.INCIDENT_CLOSED, 'The incident is closed; nothing can be added to it');
    return incident;
  }

  /** Of the given incidents, those the caller may see (one query, for lists and events). */
  async visibleIncidentIds(principal: Principal, incidentIds: string[]): Promise<Set<string>> {
    if (seesAllIncidents(principal)) return new Set(incidentIds);
    const rows: { incident_id: string }[] = await this.db.query(
      `SELECT incident_id FROM incident_participants WHERE organisation_id = $1 AND incident_id = ANY($2::uuid[])`,
      [principal.organisationId, incidentIds],
    );
    return new Set(rows.map((r) => r.incident_id));
  }

  /**
   * requireIncident's rule for an incident whose participants are already at hand (subscription
   * events carry or share them): pure, no statement.
   */
  seesIncident(principal: Principal, participantOrganisationIds: readonly string[]): boolean {
    return seesAllIncidents(principal) || participantOrganisationIds.includes(principal.organisationId);
  }

  /** The organisations taking part in an incident as committed now: the facts of seesIncident, read once per event for every subscriber. */
  async participantOrganisationIds(incidentId: string): Promise<string[]> {
    const rows: { organisation_id: string }[] = await this.db.query(`SELECT organisation_id FROM incident_participants WHERE incident_id = $1`, [incidentId]);
    return rows.map((r) => r.organisation_id);
  }

  /**
   * Whether a principal who sees the report's incident may read the report itself:
   * ALL_PARTICIPANTS, or the own organisation wrote it or is a recipient; ADMIN reads all.
   */
  canReadReport(principal: Principal, report: ReportVisibilityFacts): boolean {
    return (
      isAdmin(principal) ||
      report.visibility === 'ALL_PARTICIPANTS' ||
      report.organisationId === principal.organisationId ||
      report.recipientOrganisationIds.includes(principal.organisationId)
    );
  }
}
