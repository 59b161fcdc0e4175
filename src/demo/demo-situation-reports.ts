import type { EntityManager } from 'typeorm';
import { DEMO_INCIDENT } from './demo-region.data.js';

interface DemoReport {
  org: string;
  /** Hours after the incident started. */
  at: number;
  status: 'NORMAL' | 'STRAINED' | 'SEVERELY_STRAINED' | 'CRITICAL';
  situation: string;
  consequences?: string;
  needs?: string;
  author?: string;
  /** RESTRICTED to these organisations when given. */
  recipients?: string[];
  /** Hours after the incident started; in the past for an overdue report. */
  nextDue?: number;
  /** Hours from now, for a next report still to come. */
  nextDueFromNow?: number;
  acknowledgedBy?: { org: string; email?: string }[];
}

/**
 * The demo incident's situation reports: several actors, several versions each, one
 * RESTRICTED report, every operational status, one overdue report (Ellevio's) and
 * acknowledgements, so that the operational picture has something to show.
 */
export const DEMO_REPORTS: DemoReport[] = [
  { org: 'NORRTALJE', at: 1, status: 'STRAINED', author: 'samverkan@norrtalje.example', situation: 'Stormen har fällt träd över vägar och ledningar. Krisledningsnämnden är sammankallad.', nextDue: 8 },
  { org: 'SSBF', at: 2, status: 'SEVERELY_STRAINED', situation: 'Många larm om träd över vägar och byggnader; samtliga stationer har styrkor ute.' },
  { org: 'ELLEVIO', at: 2, status: 'CRITICAL', author: 'samverkan@ellevio.example', situation: 'Omkring 18 000 kunder utan el i Roslagen. Felsökning pågår i mån av framkomlighet.', nextDue: 9 },
  { org: 'POLISEN-STHLM', at: 3, status: 'STRAINED', author: 'samverkan@polisen.example', situation: 'Trafikdirigering vid flera avstängda vägar. Inga allvarliga ordningsstörningar.', nextDue: 12 },
  { org: 'REGION-STHLM', at: 4, status: 'STRAINED', author: 'samverkan@regionstockholm.example', situation: 'Två vårdcentraler i Norrtälje går på reservkraft. Hemsjukvården prioriterar elberoende patienter.', needs: 'Reservkraft till äldreboende i Rimbo.', nextDueFromNow: 6 },
  { org: 'OSTERAKER', at: 5, status: 'NORMAL', situation: 'Enstaka elavbrott i Åkersberga, i övrigt normal verksamhet.' },
  { org: 'TRAFIKVERKET', at: 6, status: 'STRAINED', situation: 'Väg 76 och väg 283 avstängda av nedfallna träd; röjning pågår.' },
  {
    org: 'NORRTALJE', at: 9, status: 'SEVERELY_STRAINED', author: 'samverkan@norrtalje.example',
    situation: 'Trygghetspunkter öppna i Norrtälje, Rimbo och Hallstavik. Vattenverket i Grisslehamn på reservkraft.',
    needs: 'Ytterligare elverk 20 kVA och vattentankar.', nextDue: 16,
    acknowledgedBy: [{ org: 'REGION-STHLM', email: 'samverkan@regionstockholm.example' }, { org: 'LANSSTYRELSEN-AB', email: 'samordnare@lansstyrelsen.example' }],
  },
  { org: 'ELLEVIO', at: 10, status: 'CRITICAL', author: 'samverkan@ellevio.example', situation: 'Fortfarande 14 000 kunder utan el. Beräknad återställning för huvuddelen inom två dygn.', consequences: 'Mobilnätet stört där basstationernas batterier tar slut.', nextDue: 14 },
  {
    org: 'POLISEN-STHLM', at: 11, status: 'STRAINED', author: 'samverkan@polisen.example', recipients: ['NORRTALJE', 'LANSSTYRELSEN-AB'],
    situation: 'Uppgifter om stölder av elverk och drivmedel vid obevakade anläggningar i skärgården. Spaning pågår.',
    acknowledgedBy: [{ org: 'NORRTALJE', email: 'samverkan@norrtalje.example' }],
  },
  {
    org: 'NORRTALJE', at: 16, status: 'SEVERELY_STRAINED', author: 'samverkan@norrtalje.example',
    situation: 'Läget stabiliserat men fortsatt ansträngt. Skolor i Hallstavik stängda i morgon.', nextDueFromNow: 4,
    acknowledgedBy: [{ org: 'POLISEN-STHLM', email: 'samverkan@polisen.example' }, { org: 'ELLEVIO', email: 'samverkan@ellevio.example' }],
  },
];

/** Loads the demo reports once: nothing happens when the demo incident already has reports. */
export async function loadDemoSituationReports(m: EntityManager): Promise<void> {
  const [incident] = await m.query(
    `SELECT i.id, i.started_at, EXISTS (SELECT 1 FROM situation_reports r WHERE r.incident_id = i.id) AS reported FROM incidents i WHERE i.reference = $1`,
    [DEMO_INCIDENT.reference],
  );
  if (!incident || incident.reported) return;
  const versions = new Map<string, { version: number; id: string | null }>();
  for (const r of DEMO_REPORTS) {
    const previous = versions.get(r.org) ?? { version: 0, id: null };
    const [row] = await m.query(
      `INSERT INTO situation_reports (incident_id, organisation_id, author_user_id, version, supersedes_id, operational_status, situation,
                                      consequences, needs, visibility, submitted_at, next_report_due_at)
       SELECT $1, o.id, (SELECT u.id FROM users u WHERE lower(u.email) = lower($3)), $4, $5, $6, $7, $8, $9, $10,
              $11::timestamptz + make_interval(hours => $12::int),
              CASE WHEN $13::int IS NOT NULL THEN $11::timestamptz + make_interval(hours => $13::int)
                   WHEN $14::int IS NOT NULL THEN now() + make_interval(hours => $14::int) END
         FROM organisations o WHERE o.code = $2
       RETURNING id`,
      [
        incident.id,
        r.org,
        r.author ?? null,
        previous.version + 1,
        previous.id,
        r.status,
        r.situation,
        r.consequences ?? null,
        r.needs ?? null,
        r.recipients ? 'RESTRICTED' : 'ALL_PARTICIPANTS',
        incident.started_at,
        r.at,
        r.nextDue ?? null,
        r.nextDueFromNow ?? null,
      ],
    );
    versions.set(r.org, { version: previous.version + 1, id: row.id });
    if (r.recipients) {
      await m.query(
        `INSERT INTO situation_report_recipients (report_id, incident_id, organisation_id) SELECT $1, $2, o.id FROM organisations o WHERE o.code = ANY($3::text[])`,
        [row.id, incident.id, r.recipients],
      );
    }
    for (const a of r.acknowledgedBy ?? []) {
      await m.query(
        `INSERT INTO situation_report_acknowledgements (report_id, organisation_id, acknowledged_by_user_id, acknowledged_at)
         SELECT $1, o.id, (SELECT u.id FROM users u WHERE lower(u.email) = lower($3)), $4::timestamptz + make_interval(hours => $5::int) + interval '30 minutes'
           FROM organisations o WHERE o.code = $2`,
        [row.id, a.org, a.email ?? null, incident.started_at, r.at],
      );
    }
  }
  await m.query(
    `UPDATE incident_participants p SET report_versions = v.n
       FROM (SELECT organisation_id, max(version) AS n FROM situation_reports WHERE incident_id = $1 GROUP BY organisation_id) v
      WHERE p.incident_id = $1 AND p.organisation_id = v.organisation_id`,
    [incident.id],
  );
}
