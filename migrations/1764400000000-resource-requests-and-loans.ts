import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resource requests and loans (EDXL-RM). The counters that invariants 1 and 2 of DESIGN.md
 * speak of (`resource_holdings.quantity_committed`, `resource_requests.quantity_filled`) are
 * kept by the database itself: a trigger on `resource_loans` moves them with every status
 * change, and CHECK constraints refuse any change that would over-commit a holding or
 * over-fill a request. A second trigger refuses every loan transition the contract does not
 * name (invariant 3), whatever code runs the UPDATE.
 */
export class ResourceRequestsAndLoans1764400000000 implements MigrationInterface {
  name = 'ResourceRequestsAndLoans1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE resource_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        requesting_organisation_id uuid NOT NULL REFERENCES organisations(id),
        resource_type_id uuid NOT NULL REFERENCES resource_types(id),
        quantity_requested integer NOT NULL CHECK (quantity_requested > 0),
        -- Σ quantity of the request's ACCEPTED, DISPATCHED and RETURNED loans; kept by resource_loans_apply().
        quantity_filled integer NOT NULL DEFAULT 0,
        priority varchar(20) NOT NULL DEFAULT 'NORMAL' CHECK (priority IN ('LOW','NORMAL','HIGH','LIFE_SAVING')),
        status varchar(20) NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN','PARTIALLY_FILLED','FILLED','CANCELLED','CLOSED')),
        needed_by timestamptz,
        delivery_latitude double precision CHECK (delivery_latitude BETWEEN -90 AND 90),
        delivery_longitude double precision CHECK (delivery_longitude BETWEEN -180 AND 180),
        delivery_location_name varchar(200),
        justification varchar(2000),
        created_by_user_id uuid REFERENCES users(id),
        created_by_api_key_id uuid REFERENCES api_keys(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT resource_requests_filled_within_requested CHECK (quantity_filled >= 0 AND quantity_filled <= quantity_requested),
        CONSTRAINT resource_requests_status_follows_filled CHECK (
          status IN ('CANCELLED','CLOSED') OR status =
            CASE WHEN quantity_filled = 0 THEN 'OPEN' WHEN quantity_filled < quantity_requested THEN 'PARTIALLY_FILLED' ELSE 'FILLED' END),
        CONSTRAINT resource_requests_delivery_pair CHECK ((delivery_latitude IS NULL) = (delivery_longitude IS NULL))
      )`);
    await q.query(`CREATE INDEX resource_requests_incident_idx ON resource_requests (incident_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX resource_requests_created_idx ON resource_requests (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX resource_requests_org_idx ON resource_requests (requesting_organisation_id)`);

    // A loan's lender is the holding's organisation: the composite key makes that a fact, not a hope.
    await q.query(`ALTER TABLE resource_holdings ADD CONSTRAINT resource_holdings_id_org_key UNIQUE (id, organisation_id)`);
    await q.query(`
      CREATE TABLE resource_loans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id uuid NOT NULL REFERENCES resource_requests(id),
        holding_id uuid NOT NULL,
        lending_organisation_id uuid NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        status varchar(20) NOT NULL DEFAULT 'OFFERED'
          CHECK (status IN ('OFFERED','ACCEPTED','DECLINED','DISPATCHED','RETURNED','WITHDRAWN','CANCELLED')),
        note varchar(2000),
        offered_by_user_id uuid REFERENCES users(id),
        offered_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        dispatched_at timestamptz,
        returned_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT resource_loans_holding_fk FOREIGN KEY (holding_id, lending_organisation_id) REFERENCES resource_holdings (id, organisation_id),
        CONSTRAINT resource_loans_accepted_at CHECK (status NOT IN ('ACCEPTED','DISPATCHED','RETURNED','CANCELLED') OR accepted_at IS NOT NULL),
        CONSTRAINT resource_loans_dispatched_at CHECK ((status IN ('DISPATCHED','RETURNED')) = (dispatched_at IS NOT NULL)),
        CONSTRAINT resource_loans_returned_at CHECK ((status = 'RETURNED') = (returned_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX resource_loans_request_idx ON resource_loans (request_id, offered_at, id)`);
    await q.query(`CREATE INDEX resource_loans_holding_idx ON resource_loans (holding_id) WHERE status IN ('ACCEPTED','DISPATCHED')`);

    // Invariant 3 in the database: only the contract's transitions; loans are never deleted and
    // never change what they lend.
    await q.query(`
      CREATE FUNCTION resource_loans_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'resource loans are never deleted' USING ERRCODE = 'P0001', CONSTRAINT = 'resource_loans_transition';
        END IF;
        IF TG_OP = 'INSERT' THEN
          IF NEW.status <> 'OFFERED' THEN
            RAISE EXCEPTION 'a resource loan starts as OFFERED, not %', NEW.status USING ERRCODE = 'P0001', CONSTRAINT = 'resource_loans_transition';
          END IF;
          RETURN NEW;
        END IF;
        IF NEW.request_id <> OLD.request_id OR NEW.holding_id <> OLD.holding_id OR NEW.quantity <> OLD.quantity
           OR NEW.lending_organisation_id <> OLD.lending_organisation_id THEN
          RAISE EXCEPTION 'a resource loan never changes its request, holding or quantity' USING ERRCODE = 'P0001', CONSTRAINT = 'resource_loans_transition';
        END IF;
        IF NEW.status <> OLD.status AND (OLD.status, NEW.status) NOT IN (
             ('OFFERED','ACCEPTED'), ('OFFERED','DECLINED'), ('OFFERED','WITHDRAWN'),
             ('ACCEPTED','DISPATCHED'), ('ACCEPTED','WITHDRAWN'), ('ACCEPTED','CANCELLED'),
             ('DISPATCHED','RETURNED')) THEN
          RAISE EXCEPTION 'invalid resource loan transition % -> %', OLD.status, NEW.status USING ERRCODE = 'P0001', CONSTRAINT = 'resource_loans_transition';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER resource_loans_guard BEFORE INSERT OR UPDATE OR DELETE ON resource_loans
        FOR EACH ROW EXECUTE FUNCTION resource_loans_guard()`);

    // Invariants 1 and 2: the counters follow the loans in the same statement; the CHECKs on
    // resource_holdings and resource_requests then refuse an over-commit or an over-fill.
    await q.query(`
      CREATE FUNCTION resource_loans_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_reserved integer := 0;
        old_filled integer := 0;
        new_reserved integer := CASE WHEN NEW.status IN ('ACCEPTED','DISPATCHED') THEN NEW.quantity ELSE 0 END;
        new_filled integer := CASE WHEN NEW.status IN ('ACCEPTED','DISPATCHED','RETURNED') THEN NEW.quantity ELSE 0 END;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          old_reserved := CASE WHEN OLD.status IN ('ACCEPTED','DISPATCHED') THEN OLD.quantity ELSE 0 END;
          old_filled := CASE WHEN OLD.status IN ('ACCEPTED','DISPATCHED','RETURNED') THEN OLD.quantity ELSE 0 END;
        END IF;
        IF new_reserved <> old_reserved THEN
          UPDATE resource_holdings SET quantity_committed = quantity_committed + new_reserved - old_reserved, updated_at = now()
           WHERE id = NEW.holding_id;
        END IF;
        IF new_filled <> old_filled THEN
          UPDATE resource_requests r
             SET quantity_filled = r.quantity_filled + new_filled - old_filled,
                 status = CASE
                   WHEN r.status IN ('CANCELLED','CLOSED') THEN r.status
                   WHEN r.quantity_filled + new_filled - old_filled = 0 THEN 'OPEN'
                   WHEN r.quantity_filled + new_filled - old_filled < r.quantity_requested THEN 'PARTIALLY_FILLED'
                   ELSE 'FILLED' END,
                 updated_at = now()
           WHERE r.id = NEW.request_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER resource_loans_apply AFTER INSERT OR UPDATE OF status ON resource_loans
        FOR EACH ROW EXECUTE FUNCTION resource_loans_apply()`);

    // A request lives as long as its incident: closing the incident closes its requests (no new
    // offers or acceptances), reopening it gives them back the status their quantities say.
    await q.query(`
      CREATE FUNCTION resource_requests_follow_incident() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'CLOSED' AND OLD.status <> 'CLOSED' THEN
          UPDATE resource_requests SET status = 'CLOSED', updated_at = now()
           WHERE incident_id = NEW.id AND status IN ('OPEN','PARTIALLY_FILLED','FILLED');
        ELSIF OLD.status = 'CLOSED' AND NEW.status <> 'CLOSED' THEN
          UPDATE resource_requests
             SET status = CASE WHEN quantity_filled = 0 THEN 'OPEN' WHEN quantity_filled < quantity_requested THEN 'PARTIALLY_FILLED' ELSE 'FILLED' END,
                 updated_at = now()
           WHERE incident_id = NEW.id AND status = 'CLOSED';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER resource_requests_follow_incident AFTER UPDATE OF status ON incidents
        FOR EACH ROW EXECUTE FUNCTION resource_requests_follow_incident()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER resource_requests_follow_incident ON incidents`);
    await q.query(`DROP FUNCTION resource_requests_follow_incident()`);
    await q.query(`DROP TABLE resource_loans`);
    await q.query(`DROP FUNCTION resource_loans_apply()`);
    await q.query(`DROP FUNCTION resource_loans_guard()`);
    await q.query(`ALTER TABLE resource_holdings DROP CONSTRAINT resource_holdings_id_org_key`);
    await q.query(`DROP TABLE resource_requests`);
  }
}
