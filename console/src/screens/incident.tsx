import { useEffect, useState } from 'react';
import { useI18n, type Key } from '../i18n';
import { gql, subscribeLive } from '../session';
import { DataTable, Action, Link, Loading, MutationForm, atLeast, useQuery, useUser, type QueryState } from '../ui';
import { IncidentMap } from './map';
import { ResourcesTab } from './resources';
import { LogTab } from './log';

export interface IncidentHead {
  id: string;
  reference: string;
  title: string;
  description: string;
  status: string;
  exercise: boolean;
  locationName: string | null;
  location: { latitude: number; longitude: number } | null;
  participants: { lead: boolean; organisation: { id: string; name: string } }[];
}

const HEAD = `query Head($id: ID!) { incident(id: $id) { id reference title description status exercise locationName
  location { latitude longitude } participants { lead organisation { id name } } } }`;

const TABS: [string, Key][] = [
  ['picture', 'tabs.picture'],
  ['reports', 'tabs.reports'],
  ['resources', 'tabs.resources'],
  ['links', 'tabs.links'],
  ['log', 'tabs.log'],
  ['map', 'tabs.map'],
];

export function IncidentScreen({ id, tab }: { id: string; tab: string }) {
  const { t } = useI18n();
  const q = useQuery<{ incident: IncidentHead | null }>(HEAD, { id });
  return (
    <Loading q={q}>
      {(d) =>
        !d.incident ? (
          <p role="alert">{t('common.error')}</p>
        ) : (
          <article>
            <h1>
              {d.incident.reference} {d.incident.title} {d.incident.exercise && <span className="tag">{t('common.exercise')}</span>}
            </h1>
            <p className="muted">{d.incident.description}</p>
            <nav aria-label={d.incident.reference} className="tabs">
              {TABS.map(([key, label]) => (
                <Link key={key} to={`/incidents/${id}/${key}`} className={tab === key ? 'active' : undefined}>
                  {t(label)}
                </Link>
              ))}
            </nav>
            {tab === 'picture' && <PictureTab incidentId={id} />}
            {tab === 'reports' && <ReportsTab incident={d.incident} />}
            {tab === 'resources' && <ResourcesTab incident={d.incident} />}
            {tab === 'links' && <LinksTab incident={d.incident} />}
            {tab === 'log' && <LogTab incident={d.incident} />}
            {tab === 'map' && <IncidentMap incident={d.incident} />}
          </article>
        )
      }
    </Loading>
  );
}

interface Picture {
  generatedAt: string;
  notReportedCount: number;
  participants: {
    organisation: { id: string; name: string };
    operationalStatus: string | null;
    reportOverdue: boolean;
    latestReport: { id: string; version: number; submittedAt: string; situation: string } | null;
  }[];
  openResourceRequests: { id: string; quantityRequested: number; quantityFilled: number; resourceType: { name: string }; requestingOrganisation: { name: string } }[];
  activeCommunicationLinks: { id: string; name: string; channel: string; address: string }[];
}

const PICTURE = `query Picture($id: ID!) { operationalPicture(incidentId: $id) { generatedAt notReportedCount
  participants { organisation { id name } operationalStatus reportOverdue latestReport { id version submittedAt situation } }
  openResourceRequests { id quantityRequested quantityFilled resourceType { name } requestingOrganisation { name } }
  activeCommunicationLinks { id name channel address } } }`;

/** Reload `q` whenever something in the incident changes, over the one graphql-ws socket. */
function useLiveReload(incidentId: string, q: QueryState<unknown>, fields: string[]) {
  const reload = q.reload;
  const key = fields.join(',');
  useEffect(() => {
    const offs = key.split(',').map((f) => subscribeLive(`subscription L($id: ID) { ${f}(incidentId: $id) { id } }`, { id: incidentId }, () => reload()));
    return () => offs.forEach((off) => off());
  }, [incidentId, reload, key]);
}

function PictureTab({ incidentId }: { incidentId: string }) {
  const { t, dateTime } = useI18n();
  const q = useQuery<{ operationalPicture: Picture }>(PICTURE, { id: incidentId });
  useLiveReload(incidentId, q as QueryState<unknown>, ['situationReportSubmitted', 'resourceRequestChanged', 'communicationLinkChanged']);
  return (
    <Loading q={q}>
      {({ operationalPicture: p }) => (
        <section aria-labelledby="pic-h">
          <h2 id="pic-h">{t('picture.title')}</h2>
          <p className="muted">
            {t('picture.generatedAt')} {dateTime(p.generatedAt)} · {t('picture.notReported')}: {p.notReportedCount}
          </p>
          <DataTable head={[t('picture.organisation'), t('picture.status'), t('picture.latest')]} testId="picture">
            {p.participants.map((r) => (
              <tr key={r.organisation.id}>
                <th scope="row">{r.organisation.name}</th>
                <td>
                  {r.operationalStatus ? <span className={`status s-${r.operationalStatus}`}>{t(`status.${r.operationalStatus}` as Key)}</span> : t('picture.notReported')}
                  {r.reportOverdue && <span className="tag warn">{t('picture.overdue')}</span>}
                </td>
                <td>{r.latestReport ? `v${r.latestReport.version} ${dateTime(r.latestReport.submittedAt)}: ${r.latestReport.situation.slice(0, 140)}` : '–'}</td>
              </tr>
            ))}
          </DataTable>
          <h3>{t('picture.openRequests')}</h3>
          <ul className="plain">
            {p.openResourceRequests.map((r) => (
              <li key={r.id}>
                {r.resourceType.name}: {r.quantityFilled}/{r.quantityRequested} ({r.requestingOrganisation.name})
              </li>
            ))}
          </ul>
          <h3>{t('picture.activeLinks')}</h3>
          <ul className="plain">
            {p.activeCommunicationLinks.map((l) => (
              <li key={l.id}>
                {l.name} ({l.channel}): {l.address}
              </li>
            ))}
          </ul>
        </section>
      )}
    </Loading>
  );
}

interface Report {
  id: string;
  version: number;
  latest: boolean;
  submittedAt: string;
  operationalStatus: string;
  visibility: string;
  situation: string;
  consequences: string | null;
  actionsTaken: string | null;
  plannedActions: string | null;
  needs: string | null;
  forecast: string | null;
  publicInformation: string | null;
  nextReportDueAt: string | null;
  organisation: { id: string; name: string };
  recipients: { name: string }[];
  acknowledgements: { organisation: { name: string }; acknowledgedAt: string }[];
  pendingAcknowledgements: { id: string; name: string }[];
}

const REPORTS = `query Reports($id: ID!) { incident(id: $id) { situationReports(first: 50) { nodes { id version latest submittedAt operationalStatus
  visibility situation consequences actionsTaken plannedActions needs forecast publicInformation nextReportDueAt
  organisation { id name } recipients { name } acknowledgements { organisation { name } acknowledgedAt } pendingAcknowledgements { id name } } } } }`;

const TEXT_FIELDS = ['consequences', 'actionsTaken', 'plannedActions', 'needs', 'forecast', 'publicInformation'] as const;

function ReportsTab({ incident }: { incident: IncidentHead }) {
  const { t, dateTime } = useI18n();
  const user = useUser();
  const q = useQuery<{ incident: { situationReports: { nodes: Report[] } } }>(REPORTS, { id: incident.id });
  useLiveReload(incident.id, q as QueryState<unknown>, ['situationReportSubmitted']);
  const participant = incident.participants.some((p) => p.organisation.id === user?.organisationId);
  return (
    <section aria-labelledby="rep-h">
      <h2 id="rep-h">{t('tabs.reports')}</h2>
      {participant && atLeast(user, 'LIAISON_OFFICER') && <ReportForm incident={incident} done={q.reload} />}
      <Loading q={q}>
        {(d) =>
          d.incident.situationReports.nodes.length === 0 ? (
            <p>{t('reports.none')}</p>
          ) : (
            <ul className="cards" data-testid="reports">
              {d.incident.situationReports.nodes.map((r) => (
                <li key={r.id} className="card">
                  <h3>
                    {r.organisation.name} · {t('reports.version')} {r.version} · {dateTime(r.submittedAt)}
                  </h3>
                  <p>
                    <span className={`status s-${r.operationalStatus}`}>{t(`status.${r.operationalStatus}` as Key)}</span>{' '}
                    {r.visibility === 'RESTRICTED' && <span className="tag">{`${t('reports.RESTRICTED')}: ${r.recipients.map((o) => o.name).join(', ')}`}</span>}
                  </p>
                  <p className="pre">{r.situation}</p>
                  <dl>
                    {TEXT_FIELDS.filter((f) => r[f]).map((f) => (
                      <div key={f}>
                        <dt>{t(`reports.${f}` as Key)}</dt>
                        <dd className="pre">{r[f]}</dd>
                      </div>
                    ))}
                    {r.nextReportDueAt && (
                      <div>
                        <dt>{t('reports.nextDue')}</dt>
                        <dd>{dateTime(r.nextReportDueAt)}</dd>
                      </div>
                    )}
                  </dl>
                  {r.acknowledgements.length > 0 && (
                    <p className="muted">
                      {t('reports.acknowledged')}: {r.acknowledgements.map((a) => a.organisation.name).join(', ')}
                    </p>
                  )}
                  {r.pendingAcknowledgements.length > 0 && (
                    <p className="muted">
                      {t('reports.pending')}: {r.pendingAcknowledgements.map((a) => a.name).join(', ')}
                    </p>
                  )}
                  {atLeast(user, 'LIAISON_OFFICER') && r.pendingAcknowledgements.some((o) => o.id === user?.organisationId) && (
                    <Action
                      label={t('reports.acknowledge')}
                      run={() => gql(`mutation Ack($id: ID!) { acknowledgeSituationReport(id: $id) { id } }`, { id: r.id })}
                      done={q.reload}
                    />
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </section>
  );
}

function ReportForm({ incident, done }: { incident: IncidentHead; done: () => void }) {
  const { t } = useI18n();
  const user = useUser();
  const [visibility, setVisibility] = useState('ALL_PARTICIPANTS');
  const [sent, setSent] = useState(false);
  const others = incident.participants.filter((p) => p.organisation.id !== user?.organisationId);
  return (
    <MutationForm
      title={t('reports.write')}
      submit={t('reports.submit')}
      mutation={`mutation Submit($input: SubmitSituationReportInput!) { submitSituationReport(input: $input) { id } }`}
      input={(f) => {
        const due = f.get('nextReportDueAt') as string;
        const input: Record<string, unknown> = {
          incidentId: incident.id,
          situation: f.get('situation'),
          operationalStatus: f.get('operationalStatus'),
          visibility,
          nextReportDueAt: due ? new Date(due).toISOString() : null,
        };
        for (const k of TEXT_FIELDS) input[k] = (f.get(k) as string) || null;
        if (visibility === 'RESTRICTED') input.recipientOrganisationIds = f.getAll('recipients');
        return input;
      }}
      done={() => {
        setSent(true);
        done();
      }}
    >
      <label>
        {t('reports.status')}
        <select name="operationalStatus" defaultValue="NORMAL">
          {['NORMAL', 'STRAINED', 'SEVERELY_STRAINED', 'CRITICAL'].map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}` as Key)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('reports.situation')}
        <textarea name="situation" required rows={3} />
      </label>
      {TEXT_FIELDS.map((k) => (
        <label key={k}>
          {t(`reports.${k}` as Key)}
          <textarea name={k} rows={2} />
        </label>
      ))}
      <label>
        {t('reports.nextDue')}
        <input type="datetime-local" name="nextReportDueAt" />
      </label>
      <fieldset>
        <legend>{t('reports.visibility')}</legend>
        {['ALL_PARTICIPANTS', 'RESTRICTED'].map((v) => (
          <label key={v} className="check">
            <input type="radio" name="visibility" value={v} checked={visibility === v} onChange={() => setVisibility(v)} /> {t(`reports.${v}` as Key)}
          </label>
        ))}
      </fieldset>
      {visibility === 'RESTRICTED' && (
        <fieldset>
          <legend>{t('reports.recipients')}</legend>
          {others.map((p) => (
            <label key={p.organisation.id} className="check">
              <input type="checkbox" name="recipients" value={p.organisation.id} /> {p.organisation.name}
            </label>
          ))}
        </fieldset>
      )}
      {sent && <p role="status">{t('reports.submitted')}</p>}
    </MutationForm>
  );
}

function LinksTab({ incident }: { incident: IncidentHead }) {
  const { t } = useI18n();
  const user = useUser();
  const q = useQuery<{
    incident: {
      communicationLinks: {
        id: string;
        name: string;
        channel: string;
        address: string;
        status: string;
        schedule: string | null;
        participants: { status: string; organisation: { id: string; name: string } }[];
      }[];
    };
  }>(`query Links($id: ID!) { incident(id: $id) { communicationLinks { id name channel address status schedule participants { status organisation { id name } } } } }`, {
    id: incident.id,
  });
  useLiveReload(incident.id, q as QueryState<unknown>, ['communicationLinkChanged']);
  const participant = incident.participants.some((p) => p.organisation.id === user?.organisationId);
  const writer = participant && atLeast(user, 'LIAISON_OFFICER');
  return (
    <section aria-labelledby="links-h">
      <h2 id="links-h">{t('links.title')}</h2>
      <p>
        <Link to={`/incidents/${incident.id}/plan`}>{t('links.plan')}</Link>
      </p>
      <Loading q={q}>
        {(d) => (
          <DataTable head={[t('links.name'), t('links.kind'), t('links.address'), t('links.status'), t('links.participants')]}>
            {d.incident.communicationLinks.map((l) => {
              const mine = l.participants.find((p) => p.organisation.id === user?.organisationId);
              return (
                <tr key={l.id}>
                  <th scope="row">{l.name}</th>
                  <td>{l.channel}</td>
                  <td>
                    {l.address}
                    {l.schedule ? ` (${l.schedule})` : ''}
                  </td>
                  <td>{l.status}</td>
                  <td>
                    {l.participants.map((p) => `${p.organisation.name} (${p.status})`).join(', ')}
                    {writer && mine?.status === 'INVITED' && l.status !== 'CLOSED' && (
                      <>
                        {[true, false].map((accept) => (
                          <Action
                            key={String(accept)}
                            label={`${t(accept ? 'links.accept' : 'links.decline')}: ${l.name}`}
                            run={() =>
                              gql(`mutation R($input: RespondToCommunicationLinkInput!) { respondToCommunicationLink(input: $input) { id } }`, { input: { linkId: l.id, accept } })
                            }
                            done={q.reload}
                          />
                        ))}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </Loading>
      {writer && <ProposeLink incident={incident} done={q.reload} />}
    </section>
  );
}

const CHANNELS = ['RAKEL_TALKGROUP', 'TELEPHONE_CONFERENCE', 'VIDEO_CONFERENCE', 'LIAISON_OFFICER', 'RADIO', 'SATELLITE_PHONE', 'EMAIL', 'OTHER'];

function ProposeLink({ incident, done }: { incident: IncidentHead; done: () => void }) {
  const { t } = useI18n();
  const user = useUser();
  return (
    <MutationForm
      title={t('links.propose')}
      submit={t('links.propose')}
      mutation={`mutation P($input: ProposeCommunicationLinkInput!) { proposeCommunicationLink(input: $input) { id } }`}
      input={(f) => ({
        incidentId: incident.id,
        name: f.get('name'),
        channel: f.get('channel'),
        address: f.get('address'),
        schedule: f.get('schedule') || null,
        participantOrganisationIds: f.getAll('participants'),
      })}
      done={done}
    >
      <label>
        {t('links.name')}
        <input name="name" required />
      </label>
      <label>
        {t('links.kind')}
        <select name="channel">
          {CHANNELS.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        {t('links.address')}
        <input name="address" required />
      </label>
      <label>
        {t('links.schedule')}
        <input name="schedule" />
      </label>
      <fieldset>
        <legend>{t('links.participants')}</legend>
        {incident.participants
          .filter((p) => p.organisation.id !== user?.organisationId)
          .map((p) => (
            <label key={p.organisation.id} className="check">
              <input type="checkbox" name="participants" value={p.organisation.id} /> {p.organisation.name}
            </label>
          ))}
      </fieldset>
    </MutationForm>
  );
}

/** The printable plan: the hub's own HTML page needs the Bearer token, so the console fetches its JSON and lays it out for print. */
export function PlanScreen({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const q = useQuery<{
    incident: {
      reference: string;
      title: string;
      communicationLinks: {
        id: string;
        name: string;
        channel: string;
        address: string;
        status: string;
        schedule: string | null;
        participants: { organisation: { name: string } }[];
      }[];
    };
  }>(
    `query Plan($id: ID!) { incident(id: $id) { reference title communicationLinks(status: [PROPOSED, ACTIVE]) { id name channel address status schedule participants { organisation { name } } } } }`,
    { id },
  );
  return (
    <Loading q={q}>
      {(d) => (
        <article className="print">
          <h1>
            {t('links.plan')}: {d.incident.reference} {d.incident.title}
          </h1>
          <p className="muted">{dateTime(new Date().toISOString())}</p>
          <button type="button" className="noprint" onClick={() => window.print()}>
            {t('links.plan')}
          </button>
          <DataTable head={[t('links.name'), t('links.kind'), t('links.address'), t('incidents.participants')]}>
            {d.incident.communicationLinks.map((l) => (
              <tr key={l.id}>
                <th scope="row">{l.name}</th>
                <td>{l.channel}</td>
                <td>
                  {l.address}
                  {l.schedule ? ` (${l.schedule})` : ''}
                </td>
                <td>{l.participants.map((p) => p.organisation.name).join(', ')}</td>
              </tr>
            ))}
          </DataTable>
        </article>
      )}
    </Loading>
  );
}
