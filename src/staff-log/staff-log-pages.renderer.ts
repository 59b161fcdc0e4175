import { escapeHtml, localTime } from '../communication-links/communication-plan.renderer.js';
import type { ActivityLogPage, AgendaPage, MinutesPage, PageEntry, PageIncident, PageMeeting } from './staff-log-pages.service.js';

interface Options {
  timeZone: string;
}

function text(value: string | null | undefined): string {
  return value ? escapeHtml(value) : '—';
}

function time(iso: string | null, timeZone: string): string {
  return iso ? `<time datetime="${escapeHtml(iso)}">${escapeHtml(localTime(iso, timeZone))}</time>` : '—';
}

/** The page around a body: a print stylesheet, the exercise banner when it is one. */
function page(title: string, incident: PageIncident, body: string): string {
  const exercise = incident.exercise ? '<p class="exercise">ÖVNING — EXERCISE</p>' : '';
  return `<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} ${escapeHtml(incident.reference)} — ${escapeHtml(incident.title)}</title>
<style>
  body { font: 11pt/1.35 system-ui, sans-serif; margin: 1.5cm; color: #000; }
  h1 { font-size: 16pt; margin: 0 0 .2em; } h2 { font-size: 13pt; margin: 1.2em 0 .4em; border-bottom: 2px solid #000; }
  table { border-collapse: collapse; width: 100%; page-break-inside: auto; } tr { page-break-inside: avoid; }
  th, td { border: 1px solid #000; padding: 4px 6px; vertical-align: top; text-align: left; }
  th { background: #e6e6e6; } ul { margin: 0; padding-left: 1.1em; } .overdue { font-weight: bold; color: #c00; }
  .exercise { border: 3px solid #c00; color: #c00; font-weight: bold; text-align: center; font-size: 14pt; padding: .3em; }
  .meta td { border: none; padding: 1px 8px 1px 0; } .empty { font-style: italic; } .summary { white-space: pre-wrap; }
  @media print { body { margin: 0; } a { color: #000; text-decoration: none; } }
</style>
</head>
<body>
${exercise}
${body}
${exercise}
</body>
</html>
`;
}

function owner(e: PageEntry, timeZone: string): string {
  if (!e.responsibleOrganisation && !e.dueAt) return '—';
  const who = [e.responsibleOrganisation, e.responsiblePerson].filter(Boolean).map((s) => escapeHtml(s)).join(', ') || '—';
  const due = e.dueAt ? `<br>Due ${time(e.dueAt, timeZone)}${e.overdue ? ' <span class="overdue">OVERDUE</span>' : ''}` : '';
  return `${who}${due}`;
}

function entriesTable(entries: PageEntry[], empty: string, timeZone: string, withUpdates = false): string {
  if (!entries.length) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const rows = entries.map((e) => {
    const updates = withUpdates && e.updates?.length
      ? `<ul>${e.updates.map((u) => `<li>${time(u.createdAt, timeZone)} ${escapeHtml(u.organisation)}: ${escapeHtml(u.note)}${u.status ? ` → ${escapeHtml(u.status)}` : ''}</li>`).join('')}</ul>`
      : '';
    return `<tr>
      <td>${e.number}</td>
      <td>${time(e.occurredAt, timeZone)}</td>
      <td>${escapeHtml(e.kind)}</td>
      <td><strong>${escapeHtml(e.title)}</strong>${e.text ? `<br>${escapeHtml(e.text)}` : ''}${e.reportBack ? `<br><small>Report back: ${escapeHtml(e.reportBack)}</small>` : ''}${updates}</td>
      <td>${escapeHtml(e.organisation)}</td>
      <td>${owner(e, timeZone)}</td>
      <td>${escapeHtml(e.status)}</td>
    </tr>`;
  });
  return `<table>
    <thead><tr><th>#</th><th>Time</th><th>Kind</th><th>Activity</th><th>Written by</th><th>Responsible, due</th><th>Status</th></tr></thead>
    <tbody>${rows.join('')}</tbody>
  </table>`;
}

function meetingMeta(m: PageMeeting, incident: PageIncident, timeZone: string, generatedAt: string): string {
  return `<table class="meta">
  <tr><td>Incident</td><td><strong>${escapeHtml(incident.reference)} ${escapeHtml(incident.title)}</strong></td></tr>
  <tr><td>Meeting</td><td>${escapeHtml(m.title)} (${m.kind === 'STAFF_MEETING' ? 'stabsmöte' : 'samverkanskonferens'}), held by ${escapeHtml(m.organisation)}</td></tr>
  <tr><td>Starts</td><td>${time(m.startsAt, timeZone)}</td></tr>
  <tr><td>Status</td><td>${escapeHtml(m.status)}</td></tr>
  <tr><td>Prepared</td><td>${time(generatedAt, timeZone)}</td></tr>
</table>`;
}

/** The incident's log laid out like ICS-214 (Activity Log): every readable entry in number order with its follow-ups. */
export function renderActivityLogHtml(log: ActivityLogPage, { timeZone }: Options): string {
  const i = log.incident;
  return page(
    'Logglista',
    i,
    `<h1>Logglista — Activity Log (ICS 214)</h1>
<table class="meta">
  <tr><td>Incident</td><td><strong>${escapeHtml(i.reference)} ${escapeHtml(i.title)}</strong></td></tr>
  <tr><td>Prepared</td><td>${time(log.generatedAt, timeZone)}</td></tr>
  <tr><td>Entries</td><td>${log.entries.length}</td></tr>
</table>
<h2>Activity log</h2>
${entriesTable(log.entries, 'No entries.', timeZone, true)}`,
  );
}

/** The agenda before a meeting: what is new since the previous one, what is open, what is due, and the participants' status. */
export function renderAgendaHtml(a: AgendaPage, { timeZone }: Options): string {
  const previous = a.previousMeeting ? `${escapeHtml(a.previousMeeting.title)}, closed ${time(a.previousMeeting.closedAt, timeZone)}` : 'None: the whole log is new.';
  const statuses = a.participantStatus.length
    ? `<table><thead><tr><th>Organisation</th><th>Operational status</th><th>Report overdue</th></tr></thead><tbody>${a.participantStatus
        .map((s) => `<tr><td>${escapeHtml(s.organisation)}</td><td>${text(s.operationalStatus)}</td><td>${s.reportOverdue ? '<span class="overdue">Yes</span>' : 'No'}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p class="empty">No participants.</p>';
  return page(
    'Dagordning',
    a.incident,
    `<h1>Dagordning — Meeting agenda</h1>
${meetingMeta(a.meeting, a.incident, timeZone, a.generatedAt)}
<h2>1. Lägesbild — the participants' status</h2>
${statuses}
<h2>2. New in the log since the previous meeting</h2>
<p>Previous meeting: ${previous}</p>
${entriesTable(a.newEntries, 'Nothing new.', timeZone)}
<h2>3. Open needs</h2>
${entriesTable(a.openNeeds, 'No open needs.', timeZone)}
<h2>4. Open questions to decide</h2>
${entriesTable(a.openQuestions, 'No open questions.', timeZone)}
<h2>5. Actions overdue or due before the next meeting</h2>
${entriesTable(a.actionsDue, 'No actions due.', timeZone)}`,
  );
}

/** The minutes after a meeting: decisions, new actions with owner and due time, the rest, and the chair's summary. */
export function renderMinutesHtml(m: MinutesPage, { timeZone }: Options): string {
  const draft = m.meeting.status === 'CLOSED' ? '' : '<p class="exercise">UTKAST — the meeting is not closed</p>';
  return page(
    'Minnesanteckningar',
    m.incident,
    `<h1>Minnesanteckningar — Meeting minutes</h1>
${draft}
${meetingMeta(m.meeting, m.incident, timeZone, m.generatedAt)}
<h2>1. Decisions</h2>
${entriesTable(m.decisions, 'No decisions.', timeZone)}
<h2>2. Actions</h2>
${entriesTable(m.actions, 'No actions.', timeZone)}
<h2>3. Other entries</h2>
${entriesTable(m.otherEntries, 'Nothing else was logged.', timeZone)}
<h2>4. Summary</h2>
<p class="summary">${text(m.meeting.summary)}</p>
<p>Next meeting: ${time(m.meeting.nextMeetingAt, timeZone)}</p>`,
  );
}
