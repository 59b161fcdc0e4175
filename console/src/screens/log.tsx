import { useState } from 'react';
import { useI18n } from '../i18n';
import { gql } from '../session';
import { Loading, atLeast, useQuery, useUser, type QueryState } from '../ui';
import type { IncidentHead } from './incident';

interface Entry {
  id: string;
  number: number;
  kind: string;
  title: string;
  text: string | null;
  status: string;
  overdue: boolean;
  dueAt: string | null;
  createdAt: string;
  organisation: { name: string };
  responsibleOrganisation: { name: string } | null;
}

const ENTRY = 'id number kind title text status overdue dueAt createdAt organisation { name } responsibleOrganisation { name }';
const KINDS = ['INFORMATION', 'NEED', 'QUESTION', 'DECISION', 'ACTION'];

function Entries({ q }: { q: QueryState<Entry[]> }) {
  const { t, dateTime } = useI18n();
  return (
    <Loading q={q}>
      {(entries) => (
        <ol className="cards" data-testid="log">
          {entries.map((e) => (
            <li key={e.id} className="card">
              <strong>
                #{e.number} {e.kind}
              </strong>{' '}
              {e.title} {e.overdue && <span className="tag warn">{t('log.overdue')}</span>}
              <div className="muted">
                {e.organisation.name} · {dateTime(e.createdAt)} · {e.status}
                {e.responsibleOrganisation ? ` · ${e.responsibleOrganisation.name}` : ''}
                {e.dueAt ? ` · ${t('log.due')} ${dateTime(e.dueAt)}` : ''}
              </div>
              {e.text && <p className="pre">{e.text}</p>}
            </li>
          ))}
        </ol>
      )}
    </Loading>
  );
}

export function LogTab({ incident }: { incident: IncidentHead }) {
  const { t, dateTime } = useI18n();
  const user = useUser();
  const [kind, setKind] = useState('');
  const raw = useQuery<{ incident: { log: { nodes: Entry[] }; meetings: { id: string; title: string; status: string; startsAt: string }[] } }>(
    `query Log($id: ID!, $filter: LogEntryFilter) { incident(id: $id) { log(first: 50, filter: $filter) { nodes { ${ENTRY} } } meetings { id title status startsAt } } }`,
    { id: incident.id, filter: kind ? { kind: [kind] } : null },
  );
  const entries: QueryState<Entry[]> = { ...raw, data: raw.data?.incident.log.nodes };
  const participant = incident.participants.some((p) => p.organisation.id === user?.organisationId);
  const [error, setError] = useState<string>();
  return (
    <section aria-labelledby="log-h">
      <h2 id="log-h">{t('log.title')}</h2>
      <label>
        {t('log.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">{t('incidents.filter.all')}</option>
          {KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </label>
      {participant && atLeast(user, 'LIAISON_OFFICER') && (
        <form
          className="panel"
          aria-label={t('log.write')}
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const f = new FormData(form);
            const input = { incidentId: incident.id, kind: f.get('kind'), title: f.get('title'), text: f.get('text') || null, visibility: 'ALL_PARTICIPANTS' };
            gql(`mutation W($input: WriteLogEntryInput!) { writeLogEntry(input: $input) { id } }`, { input }).then(
              () => {
                form.reset();
                setError(undefined);
                raw.reload();
              },
              (err: Error) => setError(err.message),
            );
          }}
        >
          <h3>{t('log.write')}</h3>
          <label>
            {t('log.kind')}
            <select name="kind">
              {['INFORMATION', 'QUESTION', 'DECISION'].map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
          <label>
            {t('log.entryTitle')}
            <input name="title" required />
          </label>
          <label>
            {t('log.body')}
            <textarea name="text" rows={2} />
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit">{t('common.save')}</button>
        </form>
      )}
      <Entries q={entries} />
      <h2>{t('log.meetings')}</h2>
      <ul className="plain">
        {raw.data?.incident.meetings.map((m) => (
          <li key={m.id}>
            {dateTime(m.startsAt)} {m.title} ({m.status})
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "What my organisation answers for": open needs, questions and actions over every incident. */
export function TasksScreen() {
  const { t } = useI18n();
  const raw = useQuery<{ myLogTasks: { nodes: Entry[] } }>(`{ myLogTasks(first: 50) { nodes { ${ENTRY} } } }`);
  return (
    <section aria-labelledby="tasks-h">
      <h1 id="tasks-h">{t('log.tasks')}</h1>
      <Entries q={{ ...raw, data: raw.data?.myLogTasks.nodes }} />
    </section>
  );
}
