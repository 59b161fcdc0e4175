import { useState } from 'react';
import { useI18n, type Key } from '../i18n';
import { gql } from '../session';
import { DataTable, Action, Loading, MutationForm, atLeast, useQuery, useUser } from '../ui';
import type { IncidentHead } from './incident';

interface Loan {
  id: string;
  status: string;
  quantity: number;
  lendingOrganisation: { id: string; name: string };
}
interface Request {
  id: string;
  status: string;
  priority: string;
  quantityRequested: number;
  quantityFilled: number;
  resourceType: { id: string; name: string };
  requestingOrganisation: { id: string; name: string };
  loans: Loan[];
}
interface Match {
  distanceKm: number | null;
  quantityOffered: number;
  holding: { id: string; quantityAvailable: number; locationName: string | null; organisation: { id: string; name: string } };
}

const REQUESTS = `query Requests($id: ID!) { incident(id: $id) { resourceRequests(first: 50) { nodes { id status priority quantityRequested quantityFilled
  resourceType { id name } requestingOrganisation { id name } loans { id status quantity lendingOrganisation { id name } } } } } }`;

/** Who may move a loan on, as the hub's loan state machine says (src/resources/loan-state-machine.ts). */
const LOAN_ACTIONS: { action: string; mutation: string; label: Key; from: string[]; by: 'requester' | 'lender' }[] = [
  { action: 'accept', mutation: 'acceptResourceOffer', label: 'resources.accept', from: ['OFFERED'], by: 'requester' },
  { action: 'decline', mutation: 'declineResourceOffer', label: 'resources.decline', from: ['OFFERED'], by: 'requester' },
  { action: 'dispatch', mutation: 'dispatchResourceLoan', label: 'resources.dispatch', from: ['ACCEPTED'], by: 'lender' },
  { action: 'return', mutation: 'returnResourceLoan', label: 'resources.return', from: ['DISPATCHED'], by: 'lender' },
];

export function ResourcesTab({ incident }: { incident: IncidentHead }) {
  const { t } = useI18n();
  const user = useUser();
  const q = useQuery<{ incident: { resourceRequests: { nodes: Request[] } } }>(REQUESTS, { id: incident.id });
  const [open, setOpen] = useState<string>();
  const writer = atLeast(user, 'LIAISON_OFFICER');
  const requesterSide = (r: Request) => writer && (atLeast(user, 'COORDINATOR') || r.requestingOrganisation.id === user?.organisationId);
  const participant = incident.participants.some((p) => p.organisation.id === user?.organisationId);
  return (
    <section aria-labelledby="res-h">
      <h2 id="res-h">{t('resources.requests')}</h2>
      <Loading q={q}>
        {(d) => (
          <ul className="cards" data-testid="requests">
            {d.incident.resourceRequests.nodes.map((r) => (
              <li key={r.id} className="card">
                <h3>
                  {r.resourceType.name}: {r.quantityFilled}/{r.quantityRequested}
                </h3>
                <p className="muted">
                  {t('resources.requester')} {r.requestingOrganisation.name} · {r.priority} · {r.status}
                </p>
                {r.loans.length > 0 && (
                  <DataTable
                    head={[t('resources.lender'), t('resources.quantity'), t('resources.status'), <span className="sr-only">{t('resources.status')}</span>]}
                    caption={t('resources.loans')}
                  >
                    {r.loans.map((l) => (
                      <tr key={l.id}>
                        <th scope="row">{l.lendingOrganisation.name}</th>
                        <td>{l.quantity}</td>
                        <td>{l.status}</td>
                        <td>
                          {LOAN_ACTIONS.filter(
                            (a) => a.from.includes(l.status) && (a.by === 'requester' ? requesterSide(r) : writer && l.lendingOrganisation.id === user?.organisationId),
                          ).map((a) => (
                            <Action
                              key={a.action}
                              label={`${t(a.label)}: ${l.lendingOrganisation.name}`}
                              run={() => gql(`mutation L($id: ID!) { ${a.mutation}(loanId: $id) { id } }`, { id: l.id })}
                              done={q.reload}
                            />
                          ))}
                        </td>
                      </tr>
                    ))}
                  </DataTable>
                )}
                {(r.status === 'OPEN' || r.status === 'PARTIALLY_FILLED') && (
                  <button type="button" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? undefined : r.id)}>
                    {t('resources.showMatches')}
                  </button>
                )}
                {open === r.id && <Matches request={r} mayOffer={writer && participant} done={q.reload} />}
              </li>
            ))}
          </ul>
        )}
      </Loading>
      {writer && participant && <CreateRequest incident={incident} done={q.reload} />}
    </section>
  );
}

function CreateRequest({ incident, done }: { incident: IncidentHead; done: () => void }) {
  const { t } = useI18n();
  const types = useQuery<{ resourceTypes: { id: string; name: string; unit: string }[] }>(`{ resourceTypes { id name unit } }`);
  return (
    <MutationForm
      title={t('resources.create')}
      submit={t('resources.create')}
      mutation={`mutation C($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) { id } }`}
      input={(f) => ({
        incidentId: incident.id,
        resourceTypeId: f.get('type'),
        quantity: Number(f.get('quantity')),
        priority: f.get('priority'),
        justification: f.get('justification') || null,
        deliveryLocationName: f.get('where') || null,
      })}
      done={done}
    >
      <label>
        {t('resources.type')}
        <select name="type" required>
          {types.data?.resourceTypes.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name} ({r.unit})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('resources.quantity')}
        <input name="quantity" type="number" min={1} defaultValue={1} required />
      </label>
      <label>
        {t('resources.priority.label')}
        <select name="priority" defaultValue="NORMAL">
          {['LIFE_SAVING', 'HIGH', 'NORMAL', 'LOW'].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        {t('incidents.locationName')}
        <input name="where" />
      </label>
      <label>
        {t('incidents.description')}
        <textarea name="justification" rows={2} />
      </label>
    </MutationForm>
  );
}

function Matches({ request, mayOffer, done }: { request: Request; mayOffer: boolean; done: () => void }) {
  const { t } = useI18n();
  const user = useUser();
  const q = useQuery<{ resourceMatches: Match[] }>(
    `query M($id: ID!) { resourceMatches(requestId: $id, first: 20) { distanceKm quantityOffered holding { id quantityAvailable locationName organisation { id name } } } }`,
    { id: request.id },
  );
  return (
    <Loading q={q}>
      {(d) => (
        <DataTable
          head={[t('resources.lender'), t('resources.available'), t('resources.distance'), <span className="sr-only">{t('resources.offer')}</span>]}
          caption={t('resources.matches')}
          testId="matches"
        >
          {d.resourceMatches.map((m) => (
            <tr key={m.holding.id}>
              <th scope="row">
                {m.holding.organisation.name} {m.holding.locationName ? `(${m.holding.locationName})` : ''}
              </th>
              <td>{m.holding.quantityAvailable}</td>
              <td>{m.distanceKm == null ? '–' : `${m.distanceKm.toFixed(0)} km`}</td>
              <td>
                {mayOffer && m.holding.organisation.id === user?.organisationId && (
                  <Action
                    label={`${t('resources.offer')} ${m.quantityOffered}`}
                    run={() =>
                      gql(`mutation O($input: OfferResourceInput!) { offerResource(input: $input) { id } }`, {
                        input: { requestId: request.id, holdingId: m.holding.id, quantity: m.quantityOffered },
                      })
                    }
                    done={done}
                  />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Loading>
  );
}

interface Holding {
  id: string;
  quantityTotal: number;
  quantityAvailable: number;
  locationName: string | null;
  resourceType: { id: string; name: string };
}

/** The own organisation's holding: its liaison officers set the total (setResourceHolding). */
function HoldingTotal({ holding, done }: { holding: Holding; done: () => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState(String(holding.quantityTotal));
  const [error, setError] = useState<string>();
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        gql(`mutation S($input: SetResourceHoldingInput!) { setResourceHolding(input: $input) { id } }`, {
          input: { resourceTypeId: holding.resourceType.id, quantityTotal: Number(value), locationName: holding.locationName },
        }).then(done, (err: Error) => setError(err.message));
      }}
    >
      <input type="number" min={0} value={value} onChange={(e) => setValue(e.target.value)} aria-label={`${t('resources.quantity')}: ${holding.resourceType.name}`} />
      <button type="submit">{`${t('resources.setTotal')}: ${holding.resourceType.name}`}</button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </form>
  );
}

/** My organisation's holdings (ResourceHolding), editable by its liaison officers. */
export function HoldingsScreen() {
  const { t } = useI18n();
  const user = useUser();
  const q = useQuery<{ resourceHoldings: Holding[] }>(
    `query H($org: ID) { resourceHoldings(organisationId: $org) { id quantityTotal quantityAvailable locationName resourceType { id name } } }`,
    { org: user?.organisationId },
  );
  return (
    <section aria-labelledby="hold-h">
      <h1 id="hold-h">{t('resources.holdings')}</h1>
      <Loading q={q}>
        {(d) =>
          d.resourceHoldings.length === 0 ? (
            <p>{t('resources.none')}</p>
          ) : (
            <DataTable head={[t('resources.type'), t('resources.quantity'), t('resources.available'), t('incidents.locationName')]}>
              {d.resourceHoldings.map((h) => (
                <tr key={h.id}>
                  <th scope="row">{h.resourceType.name}</th>
                  <td>{atLeast(user, 'LIAISON_OFFICER') ? <HoldingTotal holding={h} done={q.reload} /> : h.quantityTotal}</td>
                  <td>{h.quantityAvailable}</td>
                  <td>{h.locationName ?? '–'}</td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Loading>
    </section>
  );
}
