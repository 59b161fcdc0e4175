import { describe, expect, it } from '@jest/globals';
import { renderScenarioCardHtml } from './scenario-card.renderer.js';
import { offsetLabel } from './scenario-offsets.js';
import type { ScenarioCard } from './scenarios.service.js';

describe('the scenario card', () => {
  it('writes offsets as people say them', () => {
    expect([0, 30, 60, 90, 1440].map(offsetLabel)).toEqual(['+0 min', '+30 min', '+1 h', '+1 h 30 min', '+24 h']);
  });

  it('escapes everything written by users', () => {
    const card: ScenarioCard = {
      scenario: { id: 'x', name: '<script>', shared: true, owner: null, archived: true },
      version: { id: 'v', version: 2, createdAt: '2026-01-01T07:00:00.000Z' },
      incident: { category: 'STORM', title: 'T & T', description: 'D' },
      lead: 'L"',
      participants: [],
      reportIntervalMinutes: 240,
      links: [{ name: 'N', channel: 'RAKEL_TALKGROUP', address: '<a>', schedule: null, invited: ['P'] }],
      logEntries: [],
      meetings: [{ kind: 'COORDINATION_CONFERENCE', title: 'M', offsetMinutes: 60, dailyAt: '08:00' }],
      resourceNeeds: [],
    };
    const html = renderScenarioCardHtml(card, { timeZone: 'Europe/Stockholm' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('T &amp; T');
    expect(html).toContain('RAKEL talkgroup');
    expect(html).toContain('lägesrapport var 4 h');
    expect(html).toContain('ARKIVERAT');
  });
});
