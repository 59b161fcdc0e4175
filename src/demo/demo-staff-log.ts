import type { EntityManager } from 'typeorm';
import { DEMO_INCIDENT } from './demo-region.data.js';

type Kind = 'INFORMATION' | 'NEED' | 'QUESTION' | 'DECISION' | 'ACTION';
type Status = 'OPEN' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED';

interface DemoEntry {
  key: string;
  org: string;
  author?: string;
  kind: Kind;
  /** Hours after the incident started. */
  at: number;
  title: string;
  text?: string;
  visibility?: 'ALL_PARTICIPANTS' | 'INTERNAL' | 'RESTRICTED';
  recipients?: string[];
  responsible?: string;
  person?: string;
  /** Hours after the incident started (in the past: overdue while open). */
  due?: number;
  /** Hours from now, for a deadline still to come. */
  dueFromNow?: number;
  parent?: string;
  /** Written during this demo meeting. */
  meeting?: 'stabsmote';
  followUps?: { org: string; author?: string; at: number; note: string; status?: Status }[];
}

/**
 * The demo incident's staff log: the first day of Norrtälje's and the region's needs, questions,
 * decisions and actions, with owners and deadlines (two actions overdue), Norrtälje's closed
 * morning stabsmöte and a samverkanskonferens planned two hours from now, so that a newcomer sees
 * the workflow at once: myLogTasks, overdue, the agenda of the coming conference.
 */
const ENTRIES: DemoEntry[] = [
  { key: 'i1', org: 'NORRTALJE', author: 'samverkan@norrtalje.example', kind: 'INFORMATION', at: 1, title: 'Krisledningsnämnden sammankallad', text: 'Stormen har fällt träd över vägar och ledningar i hela kommunen.' },
  { key: 'n1', org: 'NORRTALJE', author: 'samverkan@norrtalje.example', kind: 'NEED', at: 3, title: 'Reservkraft till Solbacka äldreboende i Rimbo', text: '42 boende, elberoende hjälpmedel. Befintligt elverk räcker till i kväll.', responsible: 'LANSSTYRELSEN-AB', person: 'Regional samordnare', due: 10, followUps: [{ org: 'LANSSTYRELSEN-AB', author: 'samordnare@lansstyrelsen.example', at: 6, note: 'Förfrågan skickad till Region Stockholm och Försvarsmakten om elverk 20 kVA.', status: 'IN_PROGRESS' }] },
  { key: 'n2', org: 'NORRTALJE', author: 'samverkan@norrtalje.example', kind: 'NEED', at: 4, title: 'Dricksvatten till Grisslehamn', text: 'Vattenverket går på reservkraft; tryckfall i de högre delarna av byn. Behov: vattentankar 1 m³ och utdelning.', responsible: 'NORRVATTEN', dueFromNow: 6 },
  { key: 'q1', org: 'NORRTALJE', author: 'samverkan@norrtalje.example', kind: 'QUESTION', at: 5, title: 'Ska skolorna i Hallstavik hållas stängda i morgon?', responsible: 'NORRTALJE', followUps: [{ org: 'NORRTALJE', author: 'samverkan@norrtalje.example', at: 8.5, note: 'Besvarad i stabsmötet: skolorna stängs (beslut nr 6).', status: 'DONE' }] },
  { key: 'q2', org: 'REGION-STHLM', author: 'samverkan@regionstockholm.example', kind: 'QUESTION', at: 6, title: 'Samordnad information om trygghetspunkter till allmänheten?', text: 'Tre kommuner informerar var för sig; budskapen skiljer sig åt.', responsible: 'LANSSTYRELSEN-AB' },
  { key: 'd1', org: 'NORRTALJE', author: 'samverkan@norrtalje.example', kind: 'DECISION', at: 8, meeting: 'stabsmote', parent: 'q1', title: 'Skolorna i Hallstavik stängs i morgon', text: 'Beslut i stabsmötet 08:00. Förskolan håller öppet för barn till personal i samhällsviktig verksamhet.' },
  { key: 'a1', org: 'NORRTALJE', author: 'samverkan@norrtalje.example', kind: 'ACTION', at: 8, meeting: 'stabsmote', parent: 'd1', title: 'Informera vårdnadshavare om stängda skolor', responsible: 'NORRTALJE', person: 'Kommunikationschef', due: 10, followUps: [{ org: 'NORRTALJE', author: 'samverkan@norrtalje.example', at: 9, note: 'Sms och webb ute 09:40.', status: 'DONE' }] },
  { key: 'a2', org: 'NORRTALJE', author: 'samverkan@norrtalje.example', kind: 'ACTION', at: 8, meeting: 'stabsmote', title: 'Öppna trygghetspunkt i Hallstavik', responsible: 'NORRTALJE', person: 'Räddningstjänstens inre befäl', due: 11 },
  { key: 'a3', org: 'ELLEVIO', author: 'samverkan@ellevio.example', kind: 'ACTION', at: 9, title: 'Prioritera återställning för Grisslehamns vattenverk', responsible: 'ELLEVIO', due: 14 },
  { key: 'i2', org: 'POLISEN-STHLM', author: 'samverkan@polisen.example', kind: 'INFORMATION', at: 11, visibility: 'RESTRICTED', recipients: ['NORRTALJE', 'LANSSTYRELSEN-AB'], title: 'Stölder av elverk i skärgården', text: 'Bevakning av obevakade anläggningar övervägs.' },
  { key: 'i3', org: 'NORRTALJE', author: 'samverkan@norrtalje.example', kind: 'INFORMATION', at: 12, visibility: 'INTERNAL', title: 'Personalläget i hemtjänsten', text: 'Fyra av tio bilar står still; omfördelning från Rimbo.' },
  { key: 'a4', org: 'LANSSTYRELSEN-AB', author: 'samordnare@lansstyrelsen.example', kind: 'ACTION', at: 13, parent: 'q2', title: 'Ta fram gemensamt budskap om trygghetspunkter', responsible: 'LANSSTYRELSEN-AB', person: 'Regional samordnare', dueFromNow: 3 },
];

/** Loads the demo log once: nothing happens when the demo incident already has one. */
export async function loadDemoStaffLog(m: EntityManager): Promise<void> {
  const [incident] = await m.query(
    `SELECT i.id, i.started_at, EXISTS (SELECT 1 FROM log_entries e WHERE e.incident_id = i.id) AS logged FROM incidents i WHERE i.reference = $1`,
    [DEMO_INCIDENT.reference],
  );
  if (!incident || incident.logged) return;
  const at = (hours: number) => new Date(new Date(incident.started_at).getTime() + hours * 3600_000);
  const fromNow = (hours: number) => new Date(Date.now() + hours * 3600_000);
  const org = async (code: string): Promise<string> => (await m.query(`SELECT id FROM organisations WHERE code = $1`, [code]))[0].id;
  const user = async (email?: string): Promise<string | null> => (email ? ((await m.query(`SELECT id FROM users WHERE lower(email) = lower($1)`, [email]))[0]?.id ?? null) : null);

  const norrtalje = await org('NORRTALJE');
  const [stabsmote] = await m.query(
    `INSERT INTO meetings (incident_id, kind, title, organisation_id, starts_at, status, started_at, closed_at, next_meeting_at, summary, created_by_user_id)
     VALUES ($1, 'STAFF_MEETING', 'Stabsmöte, krisledningsstaben Norrtälje', $2, $3, 'CLOSED', $3, $4, $5, $6, $7) RETURNING id`,
    [incident.id, norrtalje, at(8), at(9), fromNow(14), 'Läget ansträngt men under kontroll. Skolor i Hallstavik stängs; trygghetspunkt öppnas. Reservkraft till Solbacka är det viktigaste behovet.', await user('samverkan@norrtalje.example')],
  );
  await m.query(
    `INSERT INTO meetings (incident_id, kind, title, organisation_id, starts_at, created_by_user_id)
     VALUES ($1, 'COORDINATION_CONFERENCE', 'Samverkanskonferens, stormen i Roslagen', $2, $3, $4)`,
    [incident.id, norrtalje, fromNow(2), await user('samverkan@norrtalje.example')],
  );

  const ids = new Map<string, string>();
  let number = 0;
  for (const e of ENTRIES) {
    const status: Status = e.kind === 'INFORMATION' || e.kind === 'DECISION' ? 'DONE' : 'OPEN';
    const due = e.due !== undefined ? at(e.due) : e.dueFromNow !== undefined ? fromNow(e.dueFromNow) : null;
    const [row] = await m.query(
      `INSERT INTO log_entries (incident_id, number, kind, title, text, organisation_id, author_user_id, visibility, occurred_at, created_at,
                                initial_status, status, responsible_organisation_id, responsible_person, due_at, parent_id, meeting_id, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $10, $11, $12, $13, $14, $15, $9) RETURNING id`,
      [
        incident.id,
        ++number,
        e.kind,
        e.title,
        e.text ?? null,
        await org(e.org),
        await user(e.author),
        e.visibility ?? 'ALL_PARTICIPANTS',
        at(e.at),
        status,
        e.responsible ? await org(e.responsible) : null,
        e.person ?? null,
        due,
        e.parent ? ids.get(e.parent) : null,
        e.meeting ? stabsmote.id : null,
      ],
    );
    ids.set(e.key, row.id);
    if (e.recipients) {
      await m.query(`INSERT INTO log_entry_recipients (entry_id, incident_id, organisation_id) SELECT $1, $2, o.id FROM organisations o WHERE o.code = ANY($3::text[])`, [
        row.id,
        incident.id,
        e.recipients,
      ]);
    }
    for (const f of e.followUps ?? []) {
      await m.query(
        `INSERT INTO log_entry_updates (entry_id, incident_id, organisation_id, author_user_id, note, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row.id, incident.id, await org(f.org), await user(f.author), f.note, f.status ?? null, at(f.at)],
      );
      if (f.status) await m.query(`UPDATE log_entries SET status = $2, changed_at = $3 WHERE id = $1`, [row.id, f.status, at(f.at)]);
    }
  }
  await m.query(`INSERT INTO log_counters (incident_id, last_number) VALUES ($1, $2)`, [incident.id, number]);
}
