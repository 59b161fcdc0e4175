import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The organisation directory, the resource catalogue and holdings, and incidents with participants. */
export class DirectoryAndIncidents1764100000000 implements MigrationInterface {
  name = 'DirectoryAndIncidents1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        code varchar(50) NOT NULL,
        kind varchar(40) NOT NULL CHECK (kind IN ('MUNICIPALITY','REGION','COUNTY_ADMINISTRATIVE_BOARD','POLICE',
          'RESCUE_SERVICE','HEALTHCARE','GOVERNMENT_AGENCY','ARMED_FORCES','UTILITY','TRANSPORT',
          'VOLUNTARY_ORGANISATION','PRIVATE_SECTOR','OTHER')),
        duty_officer_phone varchar(40),
        email varchar(254),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisations_code_key UNIQUE (code),
        CONSTRAINT organisations_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]*$')
      )`);
    await q.query(`CREATE INDEX organisations_name_idx ON organisations (lower(name), id)`);

    await q.query(`
      CREATE TABLE resource_types (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(50) NOT NULL,
        name varchar(200) NOT NULL,
        category varchar(20) NOT NULL CHECK (category IN ('PERSONNEL','TEAM','VEHICLE','EQUIPMENT','SUPPLIES','FACILITY')),
        unit varchar(40) NOT NULL,
        description varchar(2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT resource_types_code_key UNIQUE (code)
      )`);

    await q.query(`
      CREATE TABLE resource_holdings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        resource_type_id uuid NOT NULL REFERENCES resource_types(id),
        quantity_total integer NOT NULL CHECK (quantity_total >= 0),
        -- What ACCEPTED and DISPATCHED loans hold; kept in the same transaction as the loans.
        quantity_committed integer NOT NULL DEFAULT 0,
        latitude double precision CHECK (latitude BETWEEN -90 AND 90),
        longitude double precision CHECK (longitude BETWEEN -180 AND 180),
        location_name varchar(200),
        notes varchar(2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT resource_holdings_org_type_key UNIQUE (organisation_id, resource_type_id),
        CONSTRAINT resource_holdings_committed_within_total CHECK (quantity_committed >= 0 AND quantity_committed <= quantity_total),
        CONSTRAINT resource_holdings_location_pair CHECK ((latitude IS NULL) = (longitude IS NULL))
      )`);
    await q.query(`CREATE INDEX resource_holdings_type_idx ON resource_holdings (resource_type_id)`);

    await q.query(`
      CREATE TABLE incident_reference_counters (
        year integer PRIMARY KEY,
        last_number integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE incidents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference varchar(20) NOT NULL,
        title varchar(200) NOT NULL,
        description varchar(10000) NOT NULL,
        category varchar(30) NOT NULL CHECK (category IN ('FLOOD','STORM','WILDFIRE','FIRE','SNOW_AND_ICE','HEATWAVE',
          'POWER_OUTAGE','WATER_SUPPLY','TELECOM_OUTAGE','IT_INCIDENT','PANDEMIC','CBRN','TRANSPORT_ACCIDENT',
          'PUBLIC_ORDER','TERRORISM','OTHER')),
        status varchar(20) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','MONITORING','CLOSED')),
        exercise boolean NOT NULL DEFAULT false,
        latitude double precision CHECK (latitude BETWEEN -90 AND 90),
        longitude double precision CHECK (longitude BETWEEN -180 AND 180),
        location_name varchar(200),
        lead_organisation_id uuid NOT NULL REFERENCES organisations(id),
        started_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT incidents_reference_key UNIQUE (reference),
        CONSTRAINT incidents_closed_at CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL)),
        CONSTRAINT incidents_location_pair CHECK ((latitude IS NULL) = (longitude IS NULL))
      )`);
    await q.query(`CREATE INDEX incidents_created_idx ON incidents (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX incidents_status_idx ON incidents (status)`);

    await q.query(`
      CREATE TABLE incident_participants (
        incident_id uuid NOT NULL REFERENCES incidents(id),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        lead boolean NOT NULL DEFAULT false,
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (incident_id, organisation_id)
      )`);
    await q.query(`CREATE INDEX incident_participants_org_idx ON incident_participants (organisation_id, incident_id)`);
    await q.query(`CREATE UNIQUE INDEX incident_participants_one_lead ON incident_participants (incident_id) WHERE lead`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE incident_participants`);
    await q.query(`DROP TABLE incidents`);
    await q.query(`DROP TABLE incident_reference_counters`);
    await q.query(`DROP TABLE resource_holdings`);
    await q.query(`DROP TABLE resource_types`);
    await q.query(`DROP TABLE organisations`);
  }
}
