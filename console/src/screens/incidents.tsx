import { useState } from 'react';
import { useI18n } from '../i18n';
import { gql } from '../session';
import { Action, Link, Loading, MutationForm, atLeast, navigate, useQuery, useUser } from '../ui';

interface IncidentRow {
  id: string;
  reference: string;
  title: string;
  status: string;
  category: string;
  exercise: boolean;
  startedAt: string;
  participants: { lead: boolean; organisation: { id: string; name: string } }[];
}

const INCIDENTS = `query Incidents($filter: IncidentFilter) {
  incidents(first: 50, filter: $filter) { totalCount nodes { id reference title status category exercise startedAt
    participants { lead organisation { id name } } } } }`;

const CATEGORIES = ['POWER_OUTAGE', 'STORM', 'FLOOD', 'FIRE', 'SNOW_AND_ICE', 'HEATWAVE', 'PANDEMIC', 'IT_INCIDENT', 'TELECOM_OUTAGE', 'PUBLIC_ORDER', 'CBRN', 'OTHER'];

export function IncidentsScreen() {
  const { t, dateTime } = useI18n();
  const user = useUser();
  const [status, setStatus] = useState('ACTIVE');
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const filter: Record<string, unknown> = {};
  if (status) filter.status = [status];
  if (applied) filter.search = applied;
  const q = useQuery<{ incidents: { totalCount: number; nodes: IncidentRow[] } }>(INCIDENTS, { filter });
  const mayCreate = atLeast(user, 'LIAISON_OFFICER');
  return (
    <section aria-labelledby="incidents-h">
      <h1 id="incidents-h">{atLeast(user, 'COORDINATOR') ? t('incidents.titleAll') : t('incidents.title')}</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(search);
        }}
      >
        <label>
          {t('incidents.filter.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('incidents.filter.all')}</option>
            <option value="ACTIVE">ACTIVE</option>
            <option value="CLOSED">CLOSED</option>
          </select>
        </label>
        <label>
          {t('common.search')}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <button type="submit">{t('common.search')}</button>
      </form>
      <Loading q={q}>
        {(d) =>
          d.incidents.nodes.length === 0 ? (
            <p>{t('incidents.empty')}</p>
          ) : (
            <ul className="cards">
              {d.incidents.nodes.map((i) => (
                <li key={i.id} className="card">
                  <Link to={`/incidents/${i.id}`}>
                    <strong>{i.reference}</strong> {i.title}
                  </Link>
                  {i.exercise && <span className="tag">{t('common.exercise')}</span>}
                  <div className="muted">
                    {i.status} · {i.category} · {t('incidents.started')} {dateTime(i.startedAt)} · {i.participants.length} {t('incidents.participants').toLowerCase()}
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
      {mayCreate && <CreateIncident />}
      {mayCreate && <StartFromScenario />}
    </section>
  );
}

function CreateIncident() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t('incidents.create')}
      </button>
    );
  return (
    <MutationForm<{ createIncident: { id: string } }>
      title={t('incidents.create')}
      level={2}
      mutation="mutation Create($input: CreateIncidentInput!) { createIncident(input: $input) { id } }"
      input={(f) => ({
        title: f.get('title'),
        description: f.get('description'),
        category: f.get('category'),
        locationName: f.get('locationName') || null,
        exercise: f.get('exercise') === 'on',
      })}
      done={(d) => navigate(`/incidents/${d.createIncident.id}`)}
      cancel={() => setOpen(false)}
    >
      <label>
        {t('incidents.titleField')}
        <input name="title" required maxLength={200} />
      </label>
      <label>
        {t('incidents.description')}
        <textarea name="description" required rows={3} />
      </label>
      <label>
        {t('incidents.category')}
        <select name="category">
          {CATEGORIES.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        {t('incidents.locationName')}
        <input name="locationName" />
      </label>
      <label className="check">
        <input type="checkbox" name="exercise" /> {t('incidents.isExercise')}
      </label>
    </MutationForm>
  );
}

function StartFromScenario() {
  const { t } = useI18n();
  const q = useQuery<{ scenarios: { nodes: { id: string; name: string; currentVersion: { version: number; title: string } | null }[] } }>(
    `{ scenarios(first: 50) { nodes { id name currentVersion { version title } } } }`,
  );
  return (
    <section aria-labelledby="scen-h" className="panel">
      <h2 id="scen-h">{t('incidents.fromScenario')}</h2>
      <Loading q={q}>
        {(d) => (
          <ul className="plain">
            {d.scenarios.nodes.map((s) => (
              <li key={s.id}>
                {s.name}{' '}
                <Action
                  label={`${t('incidents.activate')} (${t('incidents.isExercise').toLowerCase()})`}
                  run={() =>
                    gql<{ activateScenario: { id: string } }>(`mutation A($input: ActivateScenarioInput!) { activateScenario(input: $input) { id } }`, {
                      input: { scenarioId: s.id, exercise: true },
                    }).then((r) => navigate(`/incidents/${r.activateScenario.id}`))
                  }
                />
              </li>
            ))}
          </ul>
        )}
      </Loading>
    </section>
  );
}
