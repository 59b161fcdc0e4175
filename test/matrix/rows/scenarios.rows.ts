import { createOrganisation } from '../../support/factories.js';
import { ACTIVATE_SCENARIO, CREATE_SCENARIO, insertScenario, scenarioContent } from '../../support/scenario-fixtures.js';
import { REFUSED_CREDENTIALS, SEES_INCIDENT, outcomes, type MatrixRow, type MatrixWorld } from '../matrix.types.js';


/** Lists: every principal gets what it may see; keys need INCIDENTS_READ. */
const LIST = outcomes('OK', { ...REFUSED_CREDENTIALS, apiKeyUnscoped: 'FORBIDDEN' });
/** Creating the own organisation's scenario: LIAISON_OFFICER and up; never API keys. */
const CREATE = outcomes('OK', { ...REFUSED_CREDENTIALS, viewer: 'FORBIDDEN', apiKeyScoped: 'FORBIDDEN', apiKeyUnscoped: 'FORBIDDEN' });
/** Editing the own organisation's scenario: its LIAISON_OFFICERs; a COORDINATOR or ADMIN of another organisation sees it but may not. */
const EDIT = outcomes('OK', {
  ...REFUSED_CREDENTIALS,
  viewer: 'FORBIDDEN',
  liaisonOther: 'NOT_FOUND',
  coordinator: 'FORBIDDEN',
  admin: 'FORBIDDEN',
  apiKeyScoped: 'FORBIDDEN',
  apiKeyUnscoped: 'FORBIDDEN',
});
/** Activating a scenario the own organisation leads: its LIAISON_OFFICERs, COORDINATOR and ADMIN; never API keys. */
const ACTIVATE = outcomes('OK', { ...REFUSED_CREDENTIALS, viewer: 'FORBIDDEN', liaisonOther: 'NOT_FOUND', apiKeyScoped: 'FORBIDDEN', apiKeyUnscoped: 'FORBIDDEN' });

/** A scenario of the own organisation, led by it, with a fresh partner taking part; "other" has no part in it. */
async function world(w: MatrixWorld) {
  const partner = await createOrganisation(w.hub.db);
  const scenario = await insertScenario(w.hub.db, w.own.id, w.own.id, [partner.id]);
  return { partner, scenario };
}

/** Prepared scenarios (issue 17). */
export const rows: MatrixRow[] = [
  {
    operation: 'Query.scenarios',
    scope: 'INCIDENTS_READ',
    setup: async (w) => {
      await world(w);
      return { query: `{ scenarios(first: 5) { totalCount nodes { id name currentVersion { version } } } }` };
    },
    expect: LIST,
  },
  {
    operation: 'Query.scenario',
    scope: 'INCIDENTS_READ',
    setup: async (w) => {
      const { scenario } = await world(w);
      return { query: `query ($id: ID!) { scenario(id: $id) { id shared currentVersion { id leadOrganisationId } } }`, variables: { id: scenario.id } };
    },
    expect: SEES_INCIDENT,
  },
  {
    operation: 'Mutation.createScenario',
    setup: async (w) => {
      const partner = await createOrganisation(w.hub.db);
      return { query: CREATE_SCENARIO, variables: { input: { name: 'Matrisscenario', content: { ...scenarioContent(w.own.id, [partner.id]), resourceNeeds: [] } } } };
    },
    expect: CREATE,
  },
  {
    operation: 'Mutation.updateScenario',
    setup: async (w) => {
      const { scenario } = await world(w);
      return { query: `mutation ($input: UpdateScenarioInput!) { updateScenario(input: $input) { id name } }`, variables: { input: { scenarioId: scenario.id, name: 'Omdöpt' } } };
    },
    expect: EDIT,
  },
  {
    operation: 'Mutation.archiveScenario',
    setup: async (w) => {
      const { scenario } = await world(w);
      return { query: `mutation ($id: ID!) { archiveScenario(id: $id) { id archived } }`, variables: { id: scenario.id } };
    },
    expect: EDIT,
  },
  {
    operation: 'Mutation.activateScenario',
    setup: async (w) => {
      const { scenario } = await world(w);
      return { query: ACTIVATE_SCENARIO, variables: { input: { scenarioId: scenario.id, exercise: true } } };
    },
    expect: ACTIVATE,
  },
];
