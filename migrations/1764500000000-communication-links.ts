import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Communication links (samband) of an incident and the organisations taking part in each.
 * Two open links with the same channel and address in one incident are refused by a partial
 * unique index, so that the rule holds under concurrent proposals, not only in the service.
 */
export class CommunicationLinks1764500000000 implements MigrationInterface {
  name = 'CommunicationLinks1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE communication_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        name varchar(200) NOT NULL,
        channel varchar(30) NOT NULL CHECK (channel IN ('RAKEL_TALKGROUP','TELEPHONE_CONFERENCE','VIDEO_CONFERENCE','RADIO',
          'SATELLITE_PHONE','EMAIL','LIAISON_OFFICER','OTHER')),
        address varchar(500) NOT NULL,
        schedule varchar(500),
        status varchar(20) NOT NULL DEFAULT 'PROPOSED' CHECK (status IN ('PROPOSED','ACTIVE','CLOSED')),
        initiating_organisation_id uuid NOT NULL REFERENCES organisations(id),
        created_by_user_id uuid REFERENCES users(id),
        created_by_api_key_id uuid REFERENCES api_keys(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        closed_at timestamptz,
        CONSTRAINT communication_links_closed_at CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL)),
        CONSTRAINT communication_links_activated_at CHECK (status <> 'ACTIVE' OR activated_at IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX communication_links_incident_idx ON communication_links (incident_id, created_at, id)`);
    // The duplicate rule: one open link per channel and address in an incident. Addresses are
    // compared without case and whitespace ("RG 12-345" and "rg 12-345" are the same talkgroup).
    await q.query(`
      CREATE UNIQUE INDEX communication_links_open_channel_address
        ON communication_links (incident_id, channel, lower(regexp_replace(address, '\\s', '', 'g')))
        WHERE status <> 'CLOSED'`);

    await q.query(`
      CREATE TABLE communication_link_participants (
        link_id uuid NOT NULL REFERENCES communication_links(id),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        status varchar(20) NOT NULL CHECK (status IN ('INVITED','ACCEPTED','DECLINED')),
        contact_name varchar(200),
        contact_phone varchar(40),
        invited_at timestamptz NOT NULL DEFAULT now(),
        responded_at timestamptz,
        responded_by_user_id uuid REFERENCES users(id),
        responded_by_api_key_id uuid REFERENCES api_keys(id),
        PRIMARY KEY (link_id, organisation_id),
        CONSTRAINT communication_link_participants_responded CHECK ((status = 'INVITED') = (responded_at IS NULL))
      )`);
    await q.query(`CREATE INDEX communication_link_participants_org_idx ON communication_link_participants (organisation_id, link_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE communication_link_participants`);
    await q.query(`DROP TABLE communication_links`);
  }
}
