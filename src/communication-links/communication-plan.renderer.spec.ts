import { describe, expect, it } from '@jest/globals';
import type { CommunicationPlan } from './communication-links.service.js';
import { escapeHtml, localTime, renderCommunicationPlanHtml as render } from './communication-plan.renderer.js';

const hostile = `<script>alert("x")</script>&'`;
const renderCommunicationPlanHtml = (plan: CommunicationPlan) => render(plan, { timeZone: 'Europe/Stockholm' });

function plan(overrides: Partial<CommunicationPlan['incident']> = {}): CommunicationPlan {
  return {
    incident: { id: 'i', reference: '2026-0001', title: hostile, status: 'ACTIVE', exercise: false, locationName: null, leadOrganisation: 'Lead <org>', ...overrides },
    generatedAt: '2026-01-01T08:00:00.000Z',
    links: [
      {
        id: 'l',
        name: hostile,
        channel: 'RAKEL_TALKGROUP',
        address: '<img src=x onerror=alert(1)>',
        schedule: null,
        status: 'ACTIVE' as never,
        activatedAt: null,
        initiatingOrganisation: 'A & B',
        participants: [{ organisationId: 'o', organisation: hostile, code: 'X', status: 'ACCEPTED' as never, contactName: hostile, contactPhone: '+46 8 465 004 01', dutyOfficerPhone: null }],
      },
    ],
    participants: [{ organisationId: 'o', organisation: hostile, code: 'X', kind: 'POLICE', lead: true, dutyOfficerPhone: '+46 8 465 004 02', email: null }],
  };
}

describe('communication plan HTML', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml(null)).toBe('');
  });

  it('never lets user-written text through as markup', () => {
    const html = renderCommunicationPlanHtml(plan());
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(html).toContain('A &amp; B');
    expect(html).toContain('+46 8 465 004 01');
    expect(html).toContain('+46 8 465 004 02');
  });

  it('marks an exercise as such, and only an exercise', () => {
    expect(renderCommunicationPlanHtml(plan({ exercise: true }))).toContain('ÖVNING — EXERCISE');
    expect(renderCommunicationPlanHtml(plan())).not.toContain('ÖVNING — EXERCISE');
  });

  it('shows when it was prepared in local time, to the minute, not as UTC ISO', () => {
    const html = renderCommunicationPlanHtml(plan());
    expect(html).toContain('<time datetime="2026-01-01T08:00:00.000Z">2026-01-01 09:00 CET</time>');
    expect(render(plan(), { timeZone: 'Europe/Helsinki' })).toContain('>2026-01-01 10:00 EET</time>');
  });

  it('writes local times in one plain form, summer time and midnight included', () => {
    expect(localTime('2026-06-30T22:05:00Z', 'Europe/Stockholm')).toBe('2026-07-01 00:05 CEST');
    expect(localTime('2026-11-29T22:23:19.707Z', 'Europe/Stockholm')).toBe('2026-11-29 23:23 CET');
  });
});
