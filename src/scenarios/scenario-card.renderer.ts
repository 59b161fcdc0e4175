import { CHANNEL_LABEL, escapeHtml, localTime } from '../communication-links/communication-plan.renderer.js';
import { offsetLabel } from './scenario-offsets.js';
import type { ScenarioCard } from './scenarios.service.js';


function text(value: string | null | undefined): string {
  return value ? escapeHtml(value) : '—';
}

function rows<T>(items: T[], columns: number, row: (item: T) => string): string {
  return items.length ? items.map(row).join('\n') : `<tr><td colspan="${columns}" class="empty">Inga</td></tr>`;
}

/** The scenario card for a planning meeting (what the risk and vulnerability analysis produces), printable on A4. */
export function renderScenarioCardHtml(card: ScenarioCard, { timeZone }: { timeZone: string }): string {
  const s = card.scenario;
  return `<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>Scenario — ${escapeHtml(s.name)}</title>
<style>
  body { font: 11pt/1.35 system-ui, sans-serif; margin: 1.5cm; color: #000; }
  h1 { font-size: 16pt; margin: 0 0 .2em; } h2 { font-size: 13pt; margin: 1.2em 0 .4em; border-bottom: 2px solid #000; }
  table { border-collapse: collapse; width: 100%; page-break-inside: auto; } tr { page-break-inside: avoid; }
  th, td { border: 1px solid #000; padding: 4px 6px; vertical-align: top; text-align: left; }
  th { background: #e6e6e6; } .addr { font-family: ui-monospace, monospace; }
  .meta td { border: none; padding: 1px 8px 1px 0; } .empty { font-style: italic; }
  .archived { border: 3px solid #c00; color: #c00; font-weight: bold; text-align: center; padding: .3em; }
  @media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>${escapeHtml(s.name)}</h1>
${s.archived ? '<p class="archived">ARKIVERAT — kan inte aktiveras</p>' : ''}
<table class="meta">
<tr><td>Ägare</td><td>${s.shared ? 'Regionalt (delat)' : text(s.owner)}</td></tr>
<tr><td>Version</td><td>${card.version.version}, ${escapeHtml(localTime(card.version.createdAt, timeZone))}</td></tr>
<tr><td>Kategori</td><td>${escapeHtml(card.incident.category)}</td></tr>
<tr><td>Rubrik</td><td>${escapeHtml(card.incident.title)}</td></tr>
<tr><td>Beskrivning</td><td>${escapeHtml(card.incident.description)}</td></tr>
<tr><td>Leder</td><td><strong>${escapeHtml(card.lead)}</strong></td></tr>
<tr><td>Deltar</td><td>${card.participants.length ? card.participants.map(escapeHtml).join(', ') : '—'}</td></tr>
<tr><td>Rapporteringsrytm</td><td>${card.reportIntervalMinutes ? `lägesrapport var ${escapeHtml(offsetLabel(card.reportIntervalMinutes).slice(1))}` : '—'}</td></tr>
</table>
<h2>Samband</h2>
<table><tr><th>Namn</th><th>Kanal</th><th>Adress</th><th>Schema</th><th>Inbjudna</th></tr>
${rows(card.links, 5, (l) => `<tr><td>${escapeHtml(l.name)}</td><td>${escapeHtml(CHANNEL_LABEL[l.channel] ?? l.channel)}</td><td class="addr">${escapeHtml(l.address)}</td><td>${text(l.schedule)}</td><td>${l.invited.map(escapeHtml).join(', ')}</td></tr>`)}
</table>
<h2>Första loggposter</h2>
<table><tr><th>Typ</th><th>Rubrik</th><th>Ansvarig</th><th>Klart</th></tr>
${rows(card.logEntries, 4, (e) => `<tr><td>${escapeHtml(e.kind)}</td><td>${escapeHtml(e.title)}${e.text ? `<br>${escapeHtml(e.text)}` : ''}</td><td>${text(e.responsible)}</td><td>${e.dueOffsetMinutes === null ? '—' : escapeHtml(offsetLabel(e.dueOffsetMinutes))}</td></tr>`)}
</table>
<h2>Första möten</h2>
<table><tr><th>Typ</th><th>Rubrik</th><th>När</th><th>Därefter</th></tr>
${rows(card.meetings, 4, (m) => `<tr><td>${escapeHtml(m.kind)}</td><td>${escapeHtml(m.title)}</td><td>${escapeHtml(offsetLabel(m.offsetMinutes))}</td><td>${m.dailyAt ? `dagligen ${escapeHtml(m.dailyAt)}` : '—'}</td></tr>`)}
</table>
<h2>Resursbehov</h2>
<table><tr><th>Resurs</th><th>Antal</th><th>Prioritet</th><th>Motivering</th></tr>
${rows(card.resourceNeeds, 4, (n) => `<tr><td>${escapeHtml(n.resourceType)}</td><td>${n.quantity} ${escapeHtml(n.unit)}</td><td>${escapeHtml(n.priority)}</td><td>${text(n.justification)}</td></tr>`)}
</table>
</body>
</html>
`;
}
