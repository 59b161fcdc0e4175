import type { DataSource } from 'typeorm';

/** A scenario's content with everything in it, for the lead and the given participants (the first of them responsible, invited, …). */
export function scenarioContent(lead: string, participants: string[], resourceTypeId?: string) {
  return {
    category: 'POWER_OUTAGE',
    title: 'Långvarigt elavbrott i länet',
    description: 'Elavbrott över 24 timmar i flera kommuner.',
    leadOrganisationId: lead,
    participantOrganisationIds: participants,
    reportIntervalMinutes: 240,
    links: [{ name: 'Samverkan el', channel: 'RAKEL_TALKGROUP', address: 'RG SAMV EL', schedule: 'dygnet runt', participantOrganisationIds: participants }],
    logEntries: [
      { kind: 'ACTION', title: 'Kartlägg kritiska verksamheter', text: 'Äldreboenden, vattenverk', responsibleOrganisationId: participants[0], dueOffsetMinutes: 120 },
      { kind: 'QUESTION', title: 'Behövs trygghetspunkter?', responsibleOrganisationId: lead, dueOffsetMinutes: 60 },
      { kind: 'INFORMATION', title: 'Scenariot Långvarigt elavbrott är aktiverat' },
    ],
    meetings: [{ kind: 'COORDINATION_CONFERENCE', title: 'Samverkanskonferens', offsetMinutes: 60, dailyAt: '08:00' }],
    resourceNeeds: resourceTypeId ? [{ resourceTypeId, quantity: 4, priority: 'HIGH', justification: 'Reservkraft' }] : [],
  };
}

/** A scenario written straight to the database (version 1, scenarioContent's), owned by `owner` or shared when null. */
export async function insertScenario(db: DataSource, owner: string | null, lead: string, participants: string[], resourceTypeId?: string): Promise<{ id: string; versionId: string }> {
  return db.transaction(async (m) => {
    const [s] = await m.query(`INSERT INTO scenarios (name, owner_organisation_id, current_version) VALUES ('Matrisscenario', $1, 1) RETURNING id`, [owner]);
    const content = scenarioContent(lead, participants, resourceTypeId);
    const [v] = await m.query(`INSERT INTO scenario_versions (scenario_id, version, name, lead_organisation_id, content) VALUES ($1, 1, 'Matrisscenario', $2, $3) RETURNING id`, [
      s.id,
      lead,
      JSON.stringify(content),
    ]);
    return { id: s.id, versionId: v.id };
  });
}

export const CREATE_SCENARIO = `mutation ($input: CreateScenarioInput!) { createScenario(input: $input) { id name shared archived currentVersion { id version } } }`;
export const ACTIVATE_SCENARIO = `mutation ($input: ActivateScenarioInput!) { activateScenario(input: $input) { id reference title description category exercise startedAt scenarioVersion { id version } } }`;
