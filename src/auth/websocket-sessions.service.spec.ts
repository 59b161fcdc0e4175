import { beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';
import { DomainError } from '../common/errors/domain-errors.js';
import type { CredentialAnnouncements, CredentialsChanged } from '../common/events/credentials-changed.js';
import type { PrincipalLookupService } from './principal-lookup.service.js';
import { WebsocketSessionsService, type ClosableSocket } from './websocket-sessions.service.js';

const user = (userId: string, organisationId = 'org'): Principal => ({ kind: 'user', userId, apiKeyId: null, organisationId, role: Role.VIEWER, scopes: null, sessionId: 's' });

/** The service with a database whose verdicts the test hands out, and an event bus the test publishes on. */
async function setUp() {
  const verdicts: { principals: readonly Principal[]; answer: (stale: number[]) => void; fail: (e: Error) => void }[] = [];
  const principals = {
    noLongerValid: (ps: readonly Principal[]) => new Promise<number[]>((answer, fail) => verdicts.push({ principals: ps, answer, fail })),
  } as unknown as PrincipalLookupService;
  let announce: (c: CredentialsChanged) => void = () => undefined;
  const credentials = {
    listen: async (handler: (c: CredentialsChanged) => void) => {
      announce = handler;
    },
  } as unknown as CredentialAnnouncements;
  const config = { websocket: { recheckSeconds: 3600, maxSocketsPerPrincipal: 2 } } as AppConfig;
  const sessions = new WebsocketSessionsService(config, principals, credentials);
  await sessions.onModuleInit();
  return { sessions, verdicts, announce: (c: CredentialsChanged) => announce(c) };
}

function socket(): ClosableSocket & { closes: number[] } {
  const closes: number[] = [];
  return { closes, close: (code: number) => void closes.push(code) };
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof DomainError ? e.code : String(e)));

describe('WebsocketSessionsService', () => {
  // The closes and the failed check are logged; the assertions say what matters here.
  beforeAll(() => Logger.overrideLogger(false));

  it('answers an operation from the cache until a change is announced; then it waits for the database, is UNAUTHENTICATED, and the socket closes after', async () => {
    const { sessions, verdicts, announce } = await setUp();
    const mine = socket();
    const others = socket();
    expect(sessions.opened(mine, user('u1'))).toBe(true);
    expect(sessions.opened(others, user('u2'))).toBe(true);
    expect(await sessions.principalOf(mine)).toEqual(user('u1'));
    expect(verdicts).toHaveLength(0);

    // Another user's change is no reason to look anyone up.
    announce({ userIds: ['u3'] });
    expect(verdicts).toHaveLength(0);

    announce({ userIds: ['u1'] });
    expect(verdicts.map((v) => v.principals)).toEqual([[user('u1')]]);
    const next = codeOf(sessions.principalOf(mine));
    const unrelated = codeOf(sessions.principalOf(others));
    expect(await unrelated).toBe('ok');
    verdicts[0].answer([0]);
    expect(await next).toBe('UNAUTHENTICATED');
    // The refusal is answered first, the close follows.
    expect(mine.closes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(mine.closes).toEqual([4403]);
    expect(others.closes).toEqual([]);
    expect(await codeOf(sessions.principalOf(mine))).toBe('UNAUTHENTICATED');
  });

  it('goes on with a principal the database confirms, and closes when it cannot be asked after an announcement', async () => {
    const { sessions, verdicts, announce } = await setUp();
    const s = socket();
    sessions.opened(s, user('u1', 'org1'));
    announce({ organisationIds: ['org1'] });
    const first = codeOf(sessions.principalOf(s));
    verdicts[0].answer([]);
    expect(await first).toBe('ok');
    expect(s.closes).toEqual([]);

    announce({ userIds: ['u1'] });
    const second = codeOf(sessions.principalOf(s));
    verdicts[1].fail(new Error('database away'));
    expect(await second).toBe('UNAUTHENTICATED');
    await new Promise((r) => setImmediate(r));
    expect(s.closes).toEqual([4403]);
  });

  it('counts the sockets of each principal: past WS_MAX_SOCKETS_PER_PRINCIPAL refused, a closed one makes room', async () => {
    const { sessions } = await setUp();
    const [a, b, c] = [socket(), socket(), socket()];
    expect(sessions.opened(a, user('u1'))).toBe(true);
    expect(sessions.opened(b, user('u1'))).toBe(true);
    expect(sessions.opened(c, user('u1'))).toBe(false);
    expect(sessions.opened(c, user('u2'))).toBe(true);
    sessions.closed(a);
    expect(sessions.opened(socket(), user('u1'))).toBe(true);
  });
});
