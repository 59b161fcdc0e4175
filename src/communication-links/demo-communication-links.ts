import type { EntityManager } from 'typeorm';

/**
 * The demo incident's communication plan (samband): a RAKEL talkgroup for all actors, the
 * daily samverkanskonferens by telephone, a police liaison officer placed at the lead
 * municipality, and one proposal still awaiting answers. Phone numbers come from PTS's range
 * for fiction (08-465 004 00–99), like the organisations' duty phones; talkgroup and names are
 * invented.
 */
type Invitees = Record<string, ['ACCEPTED' | 'DECLINED' | 'INVITED', string?, string?]>;

/** One link a row; `createdAfterHours` after the incident started; invitees: organisation code → status and contact (none for INVITED). */
type DemoLink = [
  name: string,
  channel: 'RAKEL_TALKGROUP' | 'TELEPHONE_CONFERENCE' | 'LIAISON_OFFICER',
  address: string,
  schedule: string,
  initiator: string,
  initiatorContact: [string, string],
  createdAfterHours: number,
  invitees: Invitees,
];

const phone = (n: number) => `+46 8 465 004 ${String(n).padStart(2, '0')}`;

export const DEMO_LINKS = (participants: string[]): DemoLink[] => [
  // Every other actor of the incident takes part.
  ['RAKEL samverkan Roslagen', 'RAKEL_TALKGROUP', 'STHLM SAMV-07 (talgrupp)', 'Continuously manned; radio check every hour on the hour', 'LANSSTYRELSEN-AB', ['Eva Lund, sambandsledare', phone(60)], 1,
    Object.fromEntries(participants.filter((c) => c !== 'LANSSTYRELSEN-AB').map((c) => [c, ['ACCEPTED']]))],
  ['Samverkanskonferens', 'TELEPHONE_CONFERENCE', `${phone(90)}, kod 4711#`, 'Daily 08:00 and 15:00', 'LANSSTYRELSEN-AB', ['Johan Ek, TiB länsstyrelsen', phone(61)], 2, {
    NORRTALJE: ['ACCEPTED', 'Maria Holm, kommunal krisledning', phone(62)],
    OSTERAKER: ['ACCEPTED', 'Peter Sjö, säkerhetssamordnare', phone(63)],
    VALLENTUNA: ['ACCEPTED', 'Lina Berg, beredskapssamordnare', phone(64)],
    'POLISEN-STHLM': ['ACCEPTED', 'Polisens RLC, stabschef', phone(65)],
    SSBF: ['ACCEPTED', 'Räddningschef i beredskap', phone(66)],
    'REGION-STHLM': ['ACCEPTED', 'Regional TiB', phone(67)],
    'REGION-STHLM-SSL': ['ACCEPTED'],
    ELLEVIO: ['ACCEPTED', 'Driftcentral, krisledare', phone(68)],
    TRAFIKVERKET: ['ACCEPTED'],
    TELIA: ['DECLINED'],
    'FM-MRM': ['INVITED'],
    'RODAKORSET-STHLM': ['INVITED'],
  }],
  ['Polisens samverkansperson hos Norrtälje kommun', 'LIAISON_OFFICER', 'Norrtälje kommunhus, krisledningsstabens lokal', 'On site 07:00–19:00 daily', 'POLISEN-STHLM', ['Kim Lindqvist, polisinspektör', phone(70)], 3,
    { NORRTALJE: ['ACCEPTED', 'Maria Holm, kommunal krisledning', phone(62)] }],
  ['Avstämning elavbrott och reservkraft', 'TELEPHONE_CONFERENCE', `${phone(91)}, kod 2020#`, 'Every four hours from 06:00', 'ELLEVIO', ['Driftcentral, krisledare', phone(68)], 15,
    { NORRTALJE: ['INVITED'], OSTERAKER: ['INVITED'], VALLENTUNA: ['INVITED'], 'REGION-STHLM': ['INVITED'] }],
];

/** Loads the links into the demo incident. Idempotent: a link whose name exists in the incident is left alone. */
export async function loadDemoCommunicationLinks(m: EntityManager, reference: string, participants: string[]): Promise<void> {
  for (const [name, channel, address, schedule, initiator, initiatorContact, createdAfterHours, linkInvitees] of DEMO_LINKS(participants)) {
    const active = Object.values(linkInvitees).some(([status]) => status === 'ACCEPTED');
    const [row] = await m.query(
      `INSERT INTO communication_links (incident_id, name, channel, address, schedule, status, initiating_organisation_id, created_at, updated_at, activated_at)
       SELECT i.id, $2::text, $3::text, $4::text, $5::text, $6::text, o.id, i.started_at + make_interval(hours => $7::int), i.started_at + make_interval(hours => $7::int),
              CASE WHEN $6::text = 'ACTIVE' THEN i.started_at + make_interval(hours => $7::int, mins => 12) END
         FROM incidents i JOIN organisations o ON o.code = $8
        WHERE i.reference = $1 AND NOT EXISTS (SELECT 1 FROM communication_links l WHERE l.incident_id = i.id AND l.name = $2::text)
       RETURNING id, created_at`,
      [reference, name, channel, address, schedule, active ? 'ACTIVE' : 'PROPOSED', createdAfterHours, initiator],
    );
    if (!row) continue;
    const invitees = Object.entries(linkInvitees);
    await m.query(
      `INSERT INTO communication_link_participants (link_id, organisation_id, status, contact_name, contact_phone, invited_at, responded_at)
       SELECT $1, o.id, p.status, p.contact_name, p.contact_phone, $2::timestamptz,
              CASE WHEN p.status <> 'INVITED' THEN $2::timestamptz + make_interval(mins => CASE WHEN p.n = 1 THEN 0 ELSE 10 + p.n::int END) END
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS p(code, status, contact_name, contact_phone, n)
         JOIN organisations o ON o.code = p.code
       ON CONFLICT DO NOTHING`,
      [
        row.id,
        row.created_at,
        [initiator, ...invitees.map(([code]) => code)],
        ['ACCEPTED', ...invitees.map(([, [status]]) => status)],
        [initiatorContact[0], ...invitees.map(([, [, name]]) => name ?? null)],
        [initiatorContact[1], ...invitees.map(([, [, , tel]]) => tel ?? null)],
      ],
    );
  }
}
