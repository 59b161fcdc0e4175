import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditChainWriter, chainHash, GENESIS_HASH } from '../src/audit/audit-chain.writer.js';
import { storedEvent, type AuditEventRow } from '../src/audit/models/audit-event.model.js';
import { RequestContext } from '../src/common/request/request-context.js';
import { createOrganisation, uniqueTag, userSession } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const VERIFY = `{ verifyAuditChain { valid checkedEvents firstInvalidSequence } }`;
let hub: TestApp;
let admin: Awaited<ReturnType<typeof userSession>>;
beforeAll(async () => {
  hub = await startTestApp();
  admin = await userSession(hub, 'ADMIN');
});
afterAll(() => hub.close());

describe('audit trail', () => {
  it('writes one event per successful mutation with its actor, and none for a failed one', async () => {
    const code = `AU-${uniqueTag()}`;
    const create = `mutation ($code: String!) { createOrganisation(input: { name: "Audited", code: $code, kind: OTHER }) { id } }`;
    const created = await hub.gql(create, { code }, { ...admin.headers, 'x-request-id': `audit-${code}` });
    const orgId = created.body.data!.createOrganisation.id;
    const events = await hub.db.query(`SELECT * FROM audit_events WHERE entity_id = $1`, [orgId]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'organisation.create', entity_type: 'Organisation', actor_user_id: admin.id, actor_organisation_id: admin.organisationId, request_id: `audit-${code}` });
    expect(JSON.parse(events[0].details)).toMatchObject({ code });

    const [{ n: before }] = await hub.db.query(`SELECT last_sequence::int AS n FROM audit_chain_head`);
    const duplicate = await hub.gql(create, { code }, admin.headers);
    expect(duplicate.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE' });
    const [{ n: after }] = await hub.db.query(`SELECT last_sequence::int AS n FROM audit_chain_head`);
    expect(after).toBe(before);
  });

  it('shows ADMIN every event and others only their own organisation’s, oldest first', async () => {
    const liaison = await userSession(hub, 'LIAISON_OFFICER');
    await hub.gql(`mutation ($id: ID!) { updateOrganisation(id: $id, input: { email: "tib@own.example" }) { id } }`, { id: liaison.organisationId }, liaison.headers);
    const own = await hub.gql(`{ auditEvents(first: 100) { totalCount nodes { sequence action actorOrganisation { id } actorUser { id } } } }`, undefined, liaison.headers);
    const nodes = own.body.data!.auditEvents.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) expect(n.actorOrganisation.id).toBe(liaison.organisationId);
    expect(nodes.map((n: { sequence: number }) => n.sequence)).toEqual([...nodes.map((n: { sequence: number }) => n.sequence)].sort((a, b) => a - b));
    const all = await hub.gql(`query ($f: AuditEventFilter) { auditEvents(filter: $f) { totalCount } }`, { f: { actorOrganisationId: liaison.organisationId } }, admin.headers);
    expect(all.body.errors).toBeUndefined();
    expect(all.body.data!.auditEvents.totalCount).toBe(own.body.data!.auditEvents.totalCount);
  });

  it('after 1,000 mutations from 20 concurrent clients the chain verifies, with gapless sequences', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => userSession(hub, 'LIAISON_OFFICER')));
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < 50; i++) {
          const r = await hub.gql(`mutation ($id: ID!, $p: String!) { updateOrganisation(id: $id, input: { dutyOfficerPhone: $p }) { id } }`, { id: c.organisationId, p: `+46 8 465 004 ${String(i).padStart(2, '0')}` }, c.headers);
          if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
        }
      }),
    );
    const [gaps] = await hub.db.query(`SELECT count(*)::int AS n, min(sequence)::int AS lo, max(sequence)::int AS hi FROM audit_events`);
    expect(gaps.lo).toBe(1);
    expect(gaps.hi).toBe(gaps.n);
    const verified = await hub.gql(VERIFY, undefined, admin.headers);
    expect(verified.body.data!.verifyAuditChain).toEqual({ valid: true, checkedEvents: gaps.n, firstInvalidSequence: null });
  });

  it('hashes several events of one transaction in the database exactly as chainHash does, whatever the characters', async () => {
    const writer = hub.app.get(AuditChainWriter);
    const ctx = new RequestContext('req-"\\-åäö-✓', '::1');
    const [before] = await hub.db.query(`SELECT last_sequence::int AS seq FROM audit_chain_head`);
    await hub.db.transaction((m) =>
      writer.append(m, ctx, [
        { action: 'test.one', entityType: 'Test', details: { text: 'Läget är "ansträngt" \\ \n ny rad, 🚒' } },
        { action: 'test.two', entityType: 'Test', entityId: null },
        { action: 'test.three', entityType: 'Test', details: { nested: { list: [1, 'två', null] } } },
      ]),
    );
    const rows: AuditEventRow[] = await hub.db.query(`SELECT * FROM audit_events WHERE sequence > $1 ORDER BY sequence`, [before.seq]);
    expect(rows.map((r) => [Number(r.sequence), r.action])).toEqual([
      [before.seq + 1, 'test.one'],
      [before.seq + 2, 'test.two'],
      [before.seq + 3, 'test.three'],
    ]);
    let prev = before.seq === 0 ? GENESIS_HASH : (await hub.db.query(`SELECT hash FROM audit_events WHERE sequence = $1`, [before.seq]))[0].hash;
    for (const r of rows) {
      expect(r.prev_hash).toBe(prev);
      expect(r.hash).toBe(chainHash(prev, storedEvent(r)));
      prev = r.hash;
    }
    const [head] = await hub.db.query(`SELECT last_sequence::int AS seq, last_hash FROM audit_chain_head`);
    expect(head).toEqual({ seq: before.seq + 3, last_hash: prev });
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on audit events, even to the owner', async () => {
    await expect(hub.db.query(`UPDATE audit_events SET action = 'x' WHERE sequence = 1`)).rejects.toThrow(/append-only/);
    await expect(hub.db.query(`DELETE FROM audit_events WHERE sequence = 1`)).rejects.toThrow(/append-only/);
    await expect(hub.db.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
  });

  it('reports a changed byte in one stored event at exactly that sequence', async () => {
    const [target] = await hub.db.query(`SELECT sequence::int AS seq, action FROM audit_events ORDER BY sequence DESC OFFSET 3 LIMIT 1`);
    const runner = hub.db.createQueryRunner();
    await runner.connect();
    const tamper = async (action: string) => {
      await runner.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      try {
        await runner.query(`UPDATE audit_events SET action = $2 WHERE sequence = $1`, [target.seq, action]);
      } finally {
        await runner.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
      }
    };
    try {
      await tamper(target.action.replace(/.$/, (c: string) => (c === 'x' ? 'y' : 'x')));
      const broken = await hub.gql(VERIFY, undefined, admin.headers);
      expect(broken.body.data!.verifyAuditChain).toMatchObject({ valid: false, firstInvalidSequence: target.seq });
    } finally {
      // Put the byte back so that later suites find a valid chain.
      await tamper(target.action);
      await runner.release();
    }
    expect((await hub.gql(VERIFY, undefined, admin.headers)).body.data!.verifyAuditChain.valid).toBe(true);
  });
});

it('organisation factories used here make real rows', async () => {
  // Guards against a vacuous suite: the audit rows above must belong to organisations that exist.
  const org = await createOrganisation(hub.db);
  expect((await hub.db.query(`SELECT id FROM organisations WHERE id = $1`, [org.id])).length).toBe(1);
});
