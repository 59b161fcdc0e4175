import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Authenticator } from './authenticator.js';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-errors.js';
import { RequestContext } from '../request/request-context.js';
import { Allow, Public } from './access-rule.decorator.js';
import { HubAuthGuard } from './hub-auth.guard.js';
import { ApiScope, Role } from './roles.js';
import type { Principal } from './principal.js';

class Handlers {
  undeclared() {}
  @Public() open() {}
  @Allow(Role.LIAISON_OFFICER, { scope: ApiScope.REPORTS_WRITE }) submit() {}
  @Allow(Role.ADMIN, { apiKeys: false }) administer() {}
}

function contextFor(handler: keyof Handlers, principal?: Principal): ExecutionContext {
  const ctx = new RequestContext('r1', null);
  ctx.principal = principal;
  const req = { headers: {}, hubContext: ctx };
  return {
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

const authn = { authenticate: async (req: { hubContext: RequestContext }) => req.hubContext } as unknown as Authenticator;
const guard = new HubAuthGuard(new Reflector(), authn);
const user = (role: Role): Principal => ({ kind: 'user', userId: 'u', apiKeyId: null, organisationId: 'o', role, scopes: null });
const key = (scopes: ApiScope[]): Principal => ({ kind: 'apiKey', userId: null, apiKeyId: 'k', organisationId: 'o', role: Role.LIAISON_OFFICER, scopes });

describe('HubAuthGuard (default deny)', () => {
  it('refuses an operation without an access rule, whoever asks', async () => {
    await expect(guard.canActivate(contextFor('undeclared', user(Role.ADMIN)))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lets anyone call a public operation', async () => {
    await expect(guard.canActivate(contextFor('open'))).resolves.toBe(true);
  });

  it('checks authentication, role order, API-key scope and API-key exclusion', async () => {
    await expect(guard.canActivate(contextFor('submit'))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(guard.canActivate(contextFor('submit', user(Role.VIEWER)))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(guard.canActivate(contextFor('submit', user(Role.COORDINATOR)))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor('submit', key([ApiScope.REPORTS_READ])))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(guard.canActivate(contextFor('submit', key([ApiScope.REPORTS_WRITE])))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor('administer', key(Object.values(ApiScope))))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(guard.canActivate(contextFor('administer', user(Role.COORDINATOR)))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(guard.canActivate(contextFor('administer', user(Role.ADMIN)))).resolves.toBe(true);
  });
});
