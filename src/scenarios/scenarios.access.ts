import { rulesOver, type AccessRule, type Queryable } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';
import { isAtLeast, seesAllIncidents, type Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';

/**
 * Whether the principal sees the scenario `s`: ADMIN and COORDINATOR see all (as they see
 * every incident, and may activate any scenario), the others the regional (shared) scenarios
 * and their own organisation's. `org` and `seesAll` are the statement's parameters for
 * `p.organisationId` and `seesAllIncidents(p)`; scenarios(...) lists with the same predicate.
 */
export function scenarioVisibleSql(s: string, org: string, seesAll: string): string {
  return `(${seesAll}::boolean OR ${s}.owner_organisation_id IS NULL OR ${s}.owner_organisation_id = ${org}::uuid)`;
}

interface ScenarioRoleRow {
  id: string;
  shared: boolean;
  own: boolean;
  lead: boolean;
}

/** One statement for the scenario rules: the visible scenarios, and the caller's organisation's place in each. */
async function roles(p: Principal, ids: readonly string[], db: Queryable): Promise<ScenarioRoleRow[]> {
  return db.query(
    `SELECT s.id, s.owner_organisation_id IS NULL AS shared, s.owner_organisation_id IS NOT DISTINCT FROM $2::uuid AS own, v.lead_organisation_id = $2::uuid AS lead
       FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = s.current_version
      WHERE s.id = ANY($1::uuid[]) AND ${scenarioVisibleSql('s', '$2', '$3')}`,
    [ids, p.organisationId, seesAllIncidents(p)],
  );
}

const scenarioRule = rulesOver('Scenario', roles);

/** docs/scenarios.md, "Who may do what". */
export const SCENARIO_ACCESS_RULES: AccessRule[] = [
  scenarioRule(Permission.ScenarioRead, '', () => true),
  scenarioRule(
    Permission.ScenarioEdit,
    "Only a coordinator may change a regional scenario, and only the owning organisation's liaison officers its own",
    (p, r) => p.kind === 'user' && (r.shared ? isAtLeast(p, Role.COORDINATOR) : r.own && isAtLeast(p, Role.LIAISON_OFFICER)),
  ),
  scenarioRule(
    Permission.ScenarioActivate,
    'Only a coordinator or a liaison officer of the lead organisation may activate the scenario',
    (p, r) => p.kind === 'user' && (isAtLeast(p, Role.COORDINATOR) || (r.lead && isAtLeast(p, Role.LIAISON_OFFICER))),
  ),
];
