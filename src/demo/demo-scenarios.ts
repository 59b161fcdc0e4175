import type { EntityManager } from 'typeorm';
import { DEMO_INCIDENT } from './demo-region.data.js';

interface DemoScenario {
  name: string;
  /** The owning organisation's code; null: regional (shared). */
  owner: string | null;
  category: string;
  title: string;
  description: string;
  lead: string;
  participants: string[];
  reportIntervalMinutes: number;
  links: { name: string; channel: string; address: string; schedule: string | null; participants: string[] }[];
  logEntries: { kind: string; title: string; text: string | null; responsible: string | null; dueOffsetMinutes: number | null }[];
  meetings: { kind: string; title: string; offsetMinutes: number; dailyAt: string | null }[];
  resourceNeeds: { type: string; quantity: number; priority: string; justification: string | null }[];
}

/** The scenario the demo incident was started from: Norrtälje's own. */
export const DEMO_INCIDENT_SCENARIO = 'Storm';

/** Three prepared scenarios of the demo region; the demo incident was started from "Storm" (docs/scenarios.md). */
export const DEMO_SCENARIOS: DemoScenario[] = [
  {
    name: DEMO_INCIDENT_SCENARIO,
    owner: DEMO_INCIDENT.lead,
    category: 'STORM',
    title: 'Storm i Roslagen',
    description: 'Stormen fäller träd över ledningar och vägar; el och mobilnät störs i skärgården.',
    lead: DEMO_INCIDENT.lead,
    participants: DEMO_INCIDENT.participants.filter((c) => c !== DEMO_INCIDENT.lead),
    reportIntervalMinutes: 240,
    links: [{ name: 'Samverkan Roslagen', channel: 'RAKEL_TALKGROUP', address: 'RG AB SAMV 3', schedule: 'dygnet runt', participants: ['OSTERAKER', 'VALLENTUNA', 'LANSSTYRELSEN-AB', 'SSBF'] }],
    logEntries: [
      { kind: 'ACTION', title: 'Öppna trygghetspunkter', text: 'Värme, laddning, information.', responsible: DEMO_INCIDENT.lead, dueOffsetMinutes: 120 },
      { kind: 'ACTION', title: 'Lägesbild över el- och telestörningar', text: null, responsible: 'ELLEVIO', dueOffsetMinutes: 60 },
      { kind: 'QUESTION', title: 'Behövs stöd från Försvarsmakten för röjning?', text: null, responsible: 'LANSSTYRELSEN-AB', dueOffsetMinutes: 60 },
    ],
    meetings: [{ kind: 'COORDINATION_CONFERENCE', title: 'Samverkanskonferens', offsetMinutes: 60, dailyAt: '08:00' }],
    resourceNeeds: [{ type: 'GENERATOR-20KVA', quantity: 4, priority: 'HIGH', justification: 'Reservkraft till trygghetspunkter' }],
  },
  {
    name: 'Långvarigt elavbrott',
    owner: null,
    category: 'POWER_OUTAGE',
    title: 'Långvarigt elavbrott i länet',
    description: 'Elavbrott som väntas vara längre än 24 timmar i flera kommuner.',
    lead: 'LANSSTYRELSEN-AB',
    participants: ['ELLEVIO', 'REGION-STHLM', 'REGION-STHLM-SSL', 'STOCKHOLM', 'NACKA', 'HANINGE', 'TELIA', 'RODAKORSET-STHLM'],
    reportIntervalMinutes: 180,
    links: [
      { name: 'Länssamverkan el', channel: 'RAKEL_TALKGROUP', address: 'RG AB LST 1', schedule: 'dygnet runt', participants: ['ELLEVIO', 'REGION-STHLM', 'STOCKHOLM', 'NACKA', 'HANINGE'] },
      { name: 'Telefonkonferens krisledning', channel: 'TELEPHONE_CONFERENCE', address: '+46 10 223 10 00', schedule: 'dagligen 08:00', participants: ['ELLEVIO', 'TELIA'] },
    ],
    logEntries: [
      { kind: 'ACTION', title: 'Kartlägg samhällsviktig verksamhet utan reservkraft', text: null, responsible: 'STOCKHOLM', dueOffsetMinutes: 120 },
      { kind: 'NEED', title: 'Prognos för återställning per område', text: null, responsible: 'ELLEVIO', dueOffsetMinutes: 90 },
      { kind: 'QUESTION', title: 'Ska gemensamt budskap om trygghetspunkter gå ut?', text: null, responsible: 'LANSSTYRELSEN-AB', dueOffsetMinutes: 60 },
    ],
    meetings: [{ kind: 'COORDINATION_CONFERENCE', title: 'Samverkanskonferens el', offsetMinutes: 60, dailyAt: '08:00' }],
    resourceNeeds: [{ type: 'GENERATOR-20KVA', quantity: 6, priority: 'HIGH', justification: 'Äldreboenden och vattenverk' }],
  },
  {
    name: 'Vattenbrist',
    owner: null,
    category: 'WATER_SUPPLY',
    title: 'Störd dricksvattenförsörjning',
    description: 'Förorening eller avbrott i dricksvattenförsörjningen; nödvatten behövs.',
    lead: 'LANSSTYRELSEN-AB',
    participants: ['NORRVATTEN', 'SVOA', 'SOLNA', 'SOLLENTUNA', 'REGION-STHLM', 'CIVILFORSVARET-STHLM'],
    reportIntervalMinutes: 360,
    links: [{ name: 'Vattensamverkan', channel: 'TELEPHONE_CONFERENCE', address: '+46 8 522 120 00', schedule: 'dagligen 09:00', participants: ['NORRVATTEN', 'SVOA', 'SOLNA', 'SOLLENTUNA'] }],
    logEntries: [
      { kind: 'ACTION', title: 'Upprätta nödvattenplatser', text: 'Enligt kommunernas nödvattenplaner.', responsible: 'SOLNA', dueOffsetMinutes: 240 },
      { kind: 'NEED', title: 'Provsvar och kokningsrekommendation', text: null, responsible: 'NORRVATTEN', dueOffsetMinutes: 120 },
      { kind: 'INFORMATION', title: 'Scenariot Vattenbrist är aktiverat', text: null, responsible: null, dueOffsetMinutes: null },
    ],
    meetings: [{ kind: 'COORDINATION_CONFERENCE', title: 'Samverkanskonferens vatten', offsetMinutes: 90, dailyAt: '09:00' }],
    resourceNeeds: [
      { type: 'WATER-TANK-1M3', quantity: 10, priority: 'HIGH', justification: 'Nödvattenplatser' },
      { type: 'WATER-BAGS-10L', quantity: 2000, priority: 'NORMAL', justification: null },
    ],
  },
];

/**
 * The demo scenarios, version 1 each, with organisation and resource-type codes turned into ids
 * (those rows exist by now); a scenario already present by name and owner is left alone.
 */
export async function loadDemoScenarios(m: EntityManager): Promise<void> {
  const ids = new Map<string, string>(
    (await m.query(`SELECT code, id FROM organisations UNION ALL SELECT code, id FROM resource_types`)).map((r: { code: string; id: string }) => [r.code, r.id]),
  );
  const id = (code: string) => {
    const found = ids.get(code);
    if (!found) throw new Error(`demo scenarios: no organisation or resource type ${code}`);
    return found;
  };
  for (const s of DEMO_SCENARIOS) {
    const owner = s.owner ? id(s.owner) : null;
    const [present] = await m.query(`SELECT 1 FROM scenarios WHERE name = $1 AND owner_organisation_id IS NOT DISTINCT FROM $2::uuid`, [s.name, owner]);
    if (present) continue;
    const content = {
      category: s.category,
      title: s.title,
      description: s.description,
      leadOrganisationId: id(s.lead),
      participantOrganisationIds: s.participants.map(id),
      reportIntervalMinutes: s.reportIntervalMinutes,
      links: s.links.map(({ participants, ...l }) => ({ ...l, participantOrganisationIds: participants.map(id) })),
      logEntries: s.logEntries.map(({ responsible, ...e }) => ({ ...e, responsibleOrganisationId: responsible ? id(responsible) : null })),
      meetings: s.meetings,
      resourceNeeds: s.resourceNeeds.map(({ type, ...n }) => ({ ...n, resourceTypeId: id(type) })),
    };
    const [row] = await m.query(`INSERT INTO scenarios (name, owner_organisation_id, current_version) VALUES ($1, $2, 1) RETURNING id`, [s.name, owner]);
    await m.query(`INSERT INTO scenario_versions (scenario_id, version, name, lead_organisation_id, content) VALUES ($1, 1, $2, $3, $4)`, [row.id, s.name, content.leadOrganisationId, JSON.stringify(content)]);
  }
}
