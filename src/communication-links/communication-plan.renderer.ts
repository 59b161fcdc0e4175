import type { CommunicationPlan, CommunicationPlanLink } from './communication-links.service.js';

export const CHANNEL_LABEL: Record<string, string> = {
  RAKEL_TALKGROUP: 'RAKEL talkgroup',
  TELEPHONE_CONFERENCE: 'Telephone conference',
  VIDEO_CONFERENCE: 'Video conference',
  RADIO: 'Radio',
  SATELLITE_PHONE: 'Satellite phone',
  EMAIL: 'E-mail',
  LIAISON_OFFICER: 'Liaison officer',
  OTHER: 'Other',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and quoted attribute values. Everything user-written passes through it. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * A time as people on the page read it: local, to the minute, with its zone's abbreviation
 * ("2026-11-29 23:23 CET"), built from parts so that it does not change with ICU's idea of a
 * locale's pattern.
 */
export function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

/** Escaped text, or an em dash for nothing. */
function text(value: string | null | undefined): string {
  return value ? escapeHtml(value) : '—';
}

function participantsCell(link: CommunicationPlanLink): string {
  const items = link.participants.map(
    (p) => `<li><strong>${escapeHtml(p.organisation)}</strong> <span class="st st-${escapeHtml(p.status.toLowerCase())}">${escapeHtml(p.status)}</span><br>
        Contact: ${text(p.contactName)}${p.contactPhone ? `, ${escapeHtml(p.contactPhone)}` : ''}<br>
        Duty officer (TiB): ${text(p.dutyOfficerPhone)}</li>`,
  );
  return `<ul>${items.join('')}</ul>`;
}

function linkRow(link: CommunicationPlanLink, index: number): string {
  return `<tr>
      <td>${index + 1}</td>
      <td>${escapeHtml(CHANNEL_LABEL[link.channel] ?? link.channel)}</td>
      <td class="addr">${escapeHtml(link.address)}</td>
      <td>${escapeHtml(link.name)}<br><small>Initiated by ${escapeHtml(link.initiatingOrganisation)}</small></td>
      <td>${text(link.schedule)}</td>
      <td>${escapeHtml(link.status)}</td>
      <td>${participantsCell(link)}</td>
    </tr>`;
}

function linksTable(links: CommunicationPlanLink[], empty: string): string {
  if (!links.length) return `<p class="empty">${escapeHtml(empty)}</p>`;
  return `<table>
    <thead><tr><th>#</th><th>Channel</th><th>Address</th><th>Function (name)</th><th>Schedule</th><th>Status</th><th>Participants and contacts</th></tr></thead>
    <tbody>${links.map(linkRow).join('')}</tbody>
  </table>`;
}

/**
 * The plan as a printable page laid out like ICS-205 (the incident's communication links:
 * channel, address, function, schedule, participants with contacts) followed by ICS-205A (every
 * participating organisation's duty officer). Every value from the database is escaped; times
 * are shown in `timeZone` (HUB_TIME_ZONE).
 */
export function renderCommunicationPlanHtml(plan: CommunicationPlan, { timeZone }: { timeZone: string }): string {
  const i = plan.incident;
  const active = plan.links.filter((l) => l.status === 'ACTIVE');
  const proposed = plan.links.filter((l) => l.status === 'PROPOSED');
  const exercise = i.exercise ? '<p class="exercise">ÖVNING — EXERCISE</p>' : '';
  return `<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>Sambandsplan ${escapeHtml(i.reference)} — ${escapeHtml(i.title)}</title>
<style>
  body { font: 11pt/1.35 system-ui, sans-serif; margin: 1.5cm; color: #000; }
  h1 { font-size: 16pt; margin: 0 0 .2em; } h2 { font-size: 13pt; margin: 1.2em 0 .4em; border-bottom: 2px solid #000; }
  table { border-collapse: collapse; width: 100%; page-break-inside: auto; } tr { page-break-inside: avoid; }
  th, td { border: 1px solid #000; padding: 4px 6px; vertical-align: top; text-align: left; }
  th { background: #e6e6e6; } ul { margin: 0; padding-left: 1.1em; } .addr { font-family: ui-monospace, monospace; }
  .exercise { border: 3px solid #c00; color: #c00; font-weight: bold; text-align: center; font-size: 14pt; padding: .3em; }
  .meta td { border: none; padding: 1px 8px 1px 0; } .empty { font-style: italic; }
  @media print { body { margin: 0; } }
</style>
</head>
<body>
${exercise}
<h1>Sambandsplan — Incident Communications Plan (ICS 205)</h1>
<table class="meta">
  <tr><td>Incident</td><td><strong>${escapeHtml(i.reference)} ${escapeHtml(i.title)}</strong></td></tr>
  <tr><td>Status</td><td>${escapeHtml(i.status)}</td></tr>
  <tr><td>Location</td><td>${text(i.locationName)}</td></tr>
  <tr><td>Lead organisation</td><td>${escapeHtml(i.leadOrganisation)}</td></tr>
  <tr><td>Prepared</td><td><time datetime="${escapeHtml(plan.generatedAt)}">${escapeHtml(localTime(plan.generatedAt, timeZone))}</time></td></tr>
</table>
${exercise}
<h2>1. Active communication links</h2>
${linksTable(active, 'No active links.')}
<h2>2. Proposed links awaiting answers</h2>
${linksTable(proposed, 'No proposed links.')}
<h2>3. Communications list — duty officers of the participating organisations (ICS 205A)</h2>
<table>
  <thead><tr><th>Organisation</th><th>Code</th><th>Role</th><th>Duty officer (TiB) phone</th><th>E-mail</th></tr></thead>
  <tbody>${plan.participants
    .map(
      (p) => `<tr><td>${escapeHtml(p.organisation)}</td><td>${escapeHtml(p.code)}</td><td>${p.lead ? 'Lead' : 'Participant'}</td><td>${text(p.dutyOfficerPhone)}</td><td>${text(p.email)}</td></tr>`,
    )
    .join('')}</tbody>
</table>
${exercise}
</body>
</html>
`;
}
