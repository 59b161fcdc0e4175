import { useState } from 'react';
import { useI18n } from '../i18n';
import type { SessionUser } from '../session';
import { Link, Loading, MutationForm, atLeast, useQuery, useUser, type QueryState } from '../ui';
import type { IncidentHead } from './incident';

interface Entry {
  id: string;
  visibility: string;
  organisation: { id: string; name: string };
  responsibleOrganisation: { id: string; name: string } | null;
  number: number;
  kind: string;
  title: string;
  text: string | null;
  status: string;
  overdue: boolean;
  dueAt: string | null;
  createdAt: string;
}

const ENTRY = 'id number kind title text status visibility overdue dueAt createdAt organisation { id name } responsibleOrganisation { id name }';
const KINDS = ['INFORMATION', 'NEED', 'QUESTION', 'DECISION', 'ACTION'];

/** The staff-log rule: the writing or the responsible organisation, or a coordinator for an entry that is not internal. */
function mayFollowUp(user: SessionUser | null, e: Entry): boolean {
  if (!atLeast(user, 'LIAISON_OFFICER') || e.status !== 'OPEN') return false;
  if (e.organisation.id === user?.organisationId || e.responsibleOrganisation?.id === user?.organisationId) return true;
  return atLeast(user, 'COORDINATOR') && e.visibility !== 'INTERNAL';
}

function FollowUp({ entry, done }: { entry: Entry; done: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {`${t('log.followUp')} #${entry.number}`}
      </button>
    );
  return (
    <MutationForm
      title={`${t('log.followUp')} #${entry.number}`}
      className=""
      mutation="mutation F($input: FollowUpLogEntryInput!) { followUpLogEntry(input: $input) { id } }"
      input={(f) => ({ entryId: entry.id, note: f.get('note'), status: f.get('done') === 'on' ? 'DONE' : null })}
      done={() => {
        setOpen(false);
        done();
      }}
    >
      <label>
        {t('log.note')}
        <textarea name="note" required rows={2} />
      </label>
      <label className="check">
        <input type="checkbox" name="done" /> {t('log.markDone')}
      </label>
    </MutationForm>
  );
}

function Entries({ q }: { q: QueryState<Entry[]> }) {
  const { t, dateTime } = useI18n();
  const user = useUser();
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
              {mayFollowUp(user, e) && <FollowUp entry={e} done={q.reload} />}
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
        <MutationForm
          title={t('log.write')}
          mutation={`mutation W($input: WriteLogEntryInput!) { writeLogEntry(input: $input) { id } }`}
          input={(f) => ({ incidentId: incident.id, kind: f.get('kind'), title: f.get('title'), text: f.get('text') || null, visibility: 'ALL_PARTICIPANTS' })}
          done={raw.reload}
        >
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
        </MutationForm>
      )}
      <Entries q={entries} />
      <h2>{t('log.meetings')}</h2>
      <ul className="plain">
        {raw.data?.incident.meetings.map((m) => (
          <li key={m.id}>
            <Link to={`/meetings/${m.id}`}>
              {dateTime(m.startsAt)} {m.title}
            </Link>{' '}
            ({m.status})
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

interface AgendaEntry {
  id: string;
  number: number;
  kind: string;
  title: string;
  overdue: boolean;
  dueAt: string | null;
  responsibleOrganisation: { name: string } | null;
}
const AGENDA_ENTRY = 'id number kind title overdue dueAt responsibleOrganisation { name }';

/** A meeting's agenda built from the log, for the screen and for print; once closed, its minutes. */
export function MeetingScreen({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const q = useQuery<{
    meeting: {
      title: string;
      status: string;
      startsAt: string;
      summary: string | null;
      closedAt: string | null;
      nextMeetingAt: string | null;
      entries: AgendaEntry[];
      incident: { reference: string; title: string };
      agenda: {
        newEntries: AgendaEntry[];
        openNeeds: AgendaEntry[];
        openQuestions: AgendaEntry[];
        actionsDue: AgendaEntry[];
        participantStatus: { organisation: { name: string }; operationalStatus: string | null }[];
      };
    } | null;
  }>(
    `query Meeting($id: ID!) { meeting(id: $id) { title status startsAt summary closedAt nextMeetingAt entries { ${AGENDA_ENTRY} }
      incident { reference title } agenda {
      newEntries { ${AGENDA_ENTRY} } openNeeds { ${AGENDA_ENTRY} } openQuestions { ${AGENDA_ENTRY} } actionsDue { ${AGENDA_ENTRY} }
      participantStatus { organisation { name } operationalStatus } } } }`,
    { id },
  );
  const section = (title: string, entries: AgendaEntry[]) => (
    <section>
      <h2>{title}</h2>
      {entries.length === 0 ? (
        <p>{t('common.none')}</p>
      ) : (
        <ol>
          {entries.map((e) => (
            <li key={e.id}>
              #{e.number} {e.kind}: {e.title}
              {e.responsibleOrganisation ? ` (${e.responsibleOrganisation.name})` : ''}
              {e.dueAt ? ` · ${t('log.due')} ${dateTime(e.dueAt)}` : ''}
              {e.overdue && <span className="tag warn">{t('log.overdue')}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
  return (
    <Loading q={q}>
      {(d) =>
        !d.meeting ? (
          <p role="alert">{t('common.error')}</p>
        ) : (
          <article className="print">
            <h1>
              {d.meeting.status === 'CLOSED' ? t('log.minutesOf') : t('log.agenda')}: {d.meeting.title}
            </h1>
            <p className="muted">
              {d.meeting.incident.reference} {d.meeting.incident.title} · {dateTime(d.meeting.startsAt)} · {d.meeting.status}
            </p>
            <button type="button" className="noprint" onClick={() => window.print()}>
              {t('log.print')}
            </button>
            {d.meeting.status === 'CLOSED' && (
              <>
                {d.meeting.closedAt && (
                  <p>
                    {t('log.closedAt')} {dateTime(d.meeting.closedAt)}
                    {d.meeting.nextMeetingAt ? ` · ${t('log.nextMeeting')} ${dateTime(d.meeting.nextMeetingAt)}` : ''}
                  </p>
                )}
                {section(t('log.writtenAtMeeting'), d.meeting.entries)}
              </>
            )}
            {section(t('log.newEntries'), d.meeting.agenda.newEntries)}
            {section(t('log.openNeeds'), d.meeting.agenda.openNeeds)}
            {section(t('log.openQuestions'), d.meeting.agenda.openQuestions)}
            {section(t('log.actionsDue'), d.meeting.agenda.actionsDue)}
            {d.meeting.summary && (
              <section>
                <h2>{t('log.summary')}</h2>
                <p className="pre">{d.meeting.summary}</p>
              </section>
            )}
          </article>
        )
      }
    </Loading>
  );
}
