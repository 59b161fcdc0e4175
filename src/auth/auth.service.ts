import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditSink } from '../common/audit/audit-sink.js';
import { CredentialAnnouncements } from '../common/events/credentials-changed.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/roles.js';
import { TransactionService, type Tx } from '../database/transaction.service.js';
import { BadUserInputError, ForbiddenError, UnauthenticatedError } from '../common/errors/domain-errors.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import type { User } from '../users/models/user.model.js';
import { UsersService } from '../users/users.service.js';
import { JwtTokenService } from './jwt-token.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import type { AuthPayload } from './models/auth-payload.model.js';
import { PasswordService } from '../users/password.service.js';
import { newRefreshToken, sha256Hex } from './tokens.js';

export const LOGIN_FAILED = 'Invalid email or password';

/**
 * Sessions: a short-lived JWT plus a single-use refresh token. Refresh tokens belong to a
 * family (one per login); presenting a retired one revokes the whole family (RFC 9700 reuse
 * detection), and so does logout. Whatever ends a session is announced on the event bus after
 * commit, so that open WebSockets of that user are checked again at once (WebsocketSessionsService).
 */
@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tx: TransactionService,
    private readonly audit: AuditSink,
    private readonly passwords: PasswordService,
    private readonly users: UsersService,
    private readonly jwt: JwtTokenService,
    private readonly throttle: LoginThrottleService,
    private readonly config: AppConfig,
    private readonly credentials: CredentialAnnouncements,
  ) {}

  async login(ctx: RequestContext, email: string, password: string): Promise<AuthPayload> {
    const attempt = await this.throttle.begin(email, ctx.clientAddress);
    const candidate = await this.users.signInCandidate(email);
    // An unknown email is verified against a dummy hash: same message, about the same time.
    const ok = await this.passwords.verify(candidate?.passwordHash ?? null, password);
    if (!ok || !candidate?.mayActivate) {
      await this.throttle.failed(attempt);
      await this.recordFailedLogin(ctx, email, candidate?.user.id ?? null);
      throw new UnauthenticatedError(LOGIN_FAILED);
    }
    const user = candidate.user;
    await this.throttle.succeeded(attempt);
    ctx.principal = this.userPrincipal(user);
    return this.tx.run(ctx, async (tx) => {
      const familyId = randomUUID();
      const refreshToken = await this.issueRefreshToken(tx, user.id, familyId);
      tx.audit({ action: 'auth.login', entityType: 'User', entityId: user.id, details: { session: familyId } });
      return this.payload(user, familyId, refreshToken);
    });
  }

  async refresh(ctx: RequestContext, refreshToken: string): Promise<AuthPayload> {
    const outcome = await this.tx.run(ctx, async (tx) => {
      const [token] = await tx.query(
        `SELECT id, user_id, family_id, used_at, revoked_at, expires_at < now() AS expired FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
        [sha256Hex(refreshToken)],
      );
      if (!token || token.expired) return { kind: 'invalid' as const };
      if (token.used_at || token.revoked_at) return { kind: 'reuse' as const, familyId: token.family_id as string, userId: token.user_id as string };
      const user = await this.users.activeUser(tx, token.user_id);
      if (!user) return { kind: 'invalid' as const };
      await tx.query(`UPDATE refresh_tokens SET used_at = now() WHERE id = $1`, [token.id]);
      ctx.principal = this.userPrincipal(user, token.family_id);
      const next = await this.issueRefreshToken(tx, user.id, token.family_id);
      tx.audit({ action: 'auth.refresh', entityType: 'User', entityId: user.id, details: { session: token.family_id } });
      return { kind: 'ok' as const, payload: await this.payload(user, token.family_id, next) };
    });
    if (outcome.kind === 'ok') return outcome.payload;
    if (outcome.kind === 'reuse') {
      // A retired token came back: someone holds a copy. End the whole session.
      await this.tx.run(ctx, async (tx) => {
        const revoked = await tx.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL RETURNING id`, [outcome.familyId]);
        if (revoked.length) {
          tx.audit({ action: 'auth.refresh.reuseDetected', entityType: 'User', entityId: outcome.userId, details: { session: outcome.familyId } });
          this.sessionsEnded(tx, outcome.userId);
        }
      });
    }
    throw new UnauthenticatedError('The refresh token is invalid, used or expired');
  }

  async logout(ctx: RequestContext, refreshToken: string): Promise<boolean> {
    return this.tx.run(ctx, async (tx) => {
      const [token] = await tx.query(`SELECT user_id, family_id FROM refresh_tokens WHERE token_hash = $1`, [sha256Hex(refreshToken)]);
      if (!token) throw new UnauthenticatedError('The refresh token is invalid');
      await tx.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [token.family_id]);
      tx.audit({ action: 'auth.logout', entityType: 'User', entityId: token.user_id, details: { session: token.family_id } });
      this.sessionsEnded(tx, token.user_id);
      return true;
    });
  }

  /** Needs the current password; ends every other session of the user. */
  async changePassword(ctx: RequestContext, currentPassword: string, newPassword: string): Promise<boolean> {
    const p = ctx.who;
    const userId = p.kind === 'user' ? p.userId : null;
    if (!userId) throw new ForbiddenError('Only a user can change a password');
    if (!(await this.passwords.verify(await this.users.passwordHash(userId), currentPassword))) {
      throw BadUserInputError.field('currentPassword', 'currentPassword is not the current password');
    }
    const hash = await this.passwords.hash(newPassword);
    return this.tx.run(ctx, async (tx) => {
      await this.users.setPasswordHash(tx, userId, hash);
      await tx.query(
        `UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND family_id IS DISTINCT FROM $2::uuid`,
        [userId, p.sessionId ?? null],
      );
      tx.audit({ action: 'auth.changePassword', entityType: 'User', entityId: p.userId });
      this.sessionsEnded(tx, userId);
      return true;
    });
  }

  private sessionsEnded(tx: Tx, userId: string): void {
    tx.onCommit(() => this.credentials.announce({ userIds: [userId] }));
  }

  private userPrincipal(user: User, sessionId: string | null = null): Principal {
    return { kind: 'user', userId: user.id, apiKeyId: null, organisationId: user.organisationId, role: user.role as Role, scopes: null, sessionId };
  }

  private async issueRefreshToken(tx: Tx, userId: string, familyId: string): Promise<string> {
    const token = newRefreshToken();
    await tx.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [userId, familyId, sha256Hex(token), this.config.auth.refreshTtlSeconds],
    );
    return token;
  }

  private async payload(user: User, familyId: string, refreshToken: string): Promise<AuthPayload> {
    const { token, expiresAt } = await this.jwt.sign({ sub: user.id, org: user.organisationId, role: user.role, sid: familyId });
    return { accessToken: token, accessTokenExpiresAt: expiresAt, refreshToken, user };
  }

  /** Failed logins go on the audit trail for security review, in a transaction of their own. */
  private async recordFailedLogin(ctx: RequestContext, email: string, userId: string | null): Promise<void> {
    await this.db.transaction((m) =>
      this.audit.append(m, ctx, [{ action: 'auth.login.failed', entityType: 'User', entityId: userId, details: { email: email.slice(0, 254) } }]),
    );
  }
}
