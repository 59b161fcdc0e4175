import { Injectable } from '@nestjs/common';
import { PasswordService } from './password.service.js';
import { CredentialAnnouncements } from '../common/events/credentials-changed.js';
import { Permission } from '../common/access/permission.js';
import type { Tx } from '../database/transaction.service.js';
import { ForbiddenError, NotFoundError } from '../common/errors/domain-errors.js';
import { DirectoryCache } from '../common/cache/picture-stamps.js';
import { AppConfig } from '../config/app-config.js';
import { rowLoader } from '../common/loaders/row-loader.js';
import { decodeCursor, toConnection, type ConnectionArgs, type Connection } from '../common/pagination/connection.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { CreateUserInput, UpdateUserInput } from './dto/user.inputs.js';
import { User, type UserRow } from './models/user.model.js';
import { FeatureKit } from '../database/feature-kit.js';

const USER_COLUMNS = 'id, organisation_id, email, display_name, role, active, created_at';
const USER_COLUMNS_OF_U = USER_COLUMNS.split(', ').map((c) => `u.${c}`).join(', ');

/** When a user's credentials hold (users `u`, organisations `o`): both active. */
const USER_HOLDS = `u.active AND o.active`;
/** When the session (refresh-token family) `family` has been ended: logout, reuse detection, password change, deactivation. */
const sessionEnded = (family: string) => `EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = ${family} AND t.revoked_at IS NOT NULL)`;

/** Who a session's user is, for authentication. */
export interface SessionUser {
  id: string;
  role: string;
  organisationId: string;
}

/** A session's user as authenticated earlier, to check again (open WebSockets). */
export interface AuthenticatedUser {
  userId: string;
  sessionId: string | null;
  role: string;
  organisationId: string;
}


@Injectable()
export class UsersService {
  private readonly directory: DirectoryCache<UserRow>;

  constructor(
    private readonly kit: FeatureKit,
    private readonly passwords: PasswordService,
    private readonly credentials: CredentialAnnouncements,
    config: AppConfig,
  ) {
    this.directory = new DirectoryCache(config.pictureCache.directoryRecords);
  }

  async me(ctx: RequestContext): Promise<User> {
    const p = ctx.who;
    if (p.kind !== 'user' || !p.userId) throw new ForbiddenError('`me` is a user session; an API key has no user');
    // The caller itself: no access check to make.
    const row = await this.loader(ctx).load(p.userId);
    if (!row) throw new NotFoundError('User', p.userId);
    return User.fromRow(row);
  }

  /** A user is visible to ADMIN and to the users of the same organisation. */
  async findVisible(ctx: RequestContext, id: string): Promise<User | null> {
    if (!(await this.kit.access.checkAccess(ctx, Permission.UserRead, [id])).size) return null;
    const row = await this.loader(ctx).load(id);
    return row && User.fromRow(row);
  }

  /**
   * A user by id, unchecked: for fields reached through a record the caller may read (a report's
   * author, an acknowledgement's user). Batched with every other user read of the request.
   */
  async load(ctx: RequestContext, id: string): Promise<User | null> {
    const row = await this.loader(ctx).load(id);
    return row && User.fromRow(row);
  }

  /**
   * For sign-in: the user with this email (any case), its password hash, and whether it may
   * sign in at all (the user and its organisation active). Null for an unknown email.
   */
  async signInCandidate(email: string): Promise<{ user: User; passwordHash: string; mayActivate: boolean } | null> {
    const [row]: (UserRow & { password_hash: string; org_active: boolean })[] = await this.kit.db.query(
      `SELECT ${USER_COLUMNS_OF_U}, u.password_hash, o.active AS org_active
         FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE lower(u.email) = lower($1)`,
      [email.trim()],
    );
    return row ? { user: User.fromRow(row), passwordHash: row.password_hash, mayActivate: row.active && row.org_active } : null;
  }

  /** The user if it and its organisation are active (a refresh token's owner), read in the caller's transaction. */
  async activeUser(tx: Tx, id: string): Promise<User | null> {
    const [row] = await tx.query<UserRow>(
      `SELECT ${USER_COLUMNS_OF_U} FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1 AND u.active AND o.active`,
      [id],
    );
    return row ? User.fromRow(row) : null;
  }

  /**
   * For authentication (auth/principal-lookup.service.ts): the user behind an access token, if
   * the user and its organisation are active and the session it was issued in has not been ended.
   */
  async sessionUser(userId: string, sessionId: string | null): Promise<SessionUser | null> {
    const [row] = await this.kit.db.query(
      `SELECT u.id, u.role, u.organisation_id FROM users u JOIN organisations o ON o.id = u.organisation_id
        WHERE u.id = $1 AND ${USER_HOLDS} AND NOT ${sessionEnded('$2')}`,
      [userId, sessionId],
    );
    return row ? { id: row.id, role: row.role, organisationId: row.organisation_id } : null;
  }

  /**
   * The positions in `users` of those that no longer hold as they were authenticated: user or
   * organisation inactive, session ended, role or organisation changed. One statement.
   */
  async noLongerHolding(users: readonly AuthenticatedUser[]): Promise<number[]> {
    if (!users.length) return [];
    const rows: { n: string }[] = await this.kit.db.query(
      `SELECT x.n FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[]) WITH ORDINALITY AS x(user_id, session_id, role, organisation_id, n)
        WHERE NOT EXISTS (SELECT 1 FROM users u JOIN organisations o ON o.id = u.organisation_id
                           WHERE u.id = x.user_id AND ${USER_HOLDS} AND u.role = x.role AND u.organisation_id = x.organisation_id)
           OR ${sessionEnded('x.session_id')}`,
      [users.map((u) => u.userId), users.map((u) => u.sessionId), users.map((u) => u.role), users.map((u) => u.organisationId)],
    );
    return rows.map((r) => Number(r.n) - 1);
  }

  async passwordHash(id: string): Promise<string | null> {
    const [row] = await this.kit.db.query(`SELECT password_hash FROM users WHERE id = $1`, [id]);
    return row?.password_hash ?? null;
  }

  /** Inside the caller's transaction, which audits the change. */
  async setPasswordHash(tx: Tx, id: string, hash: string): Promise<void> {
    await tx.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [id, hash]);
  }

  /** User.email: FORBIDDEN unless the caller may read the user's contact details (users.access.ts). */
  email(ctx: RequestContext, user: User): string {
    this.kit.access.requireByFacts(ctx.who, Permission.UserContactRead, { organisationId: user.organisationId });
    return user.email;
  }

  /**
   * The users of `ids` as of the directory stamp the caller has just read (the operational
   * picture's authors; `DirectoryCache`): from the process's cache while that stamp holds, else
   * read afresh; in this request's loader either way. Unchecked, as `load`. Unknown ids are left out.
   */
  async atDirectoryStamp(ctx: RequestContext, ids: readonly string[], directoryStamp: string | null): Promise<Map<string, User>> {
    const rows = await this.directory.load(this.loader(ctx), ids, directoryStamp);
    return new Map([...rows].map(([id, row]) => [id, User.fromRow(row)]));
  }

  private loader(ctx: RequestContext) {
    return rowLoader<UserRow>(ctx, this.kit.db, 'user', `SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::uuid[])`);
  }

  /** Organisation.members: ADMIN, and the organisation's own users; NOT_FOUND for anyone else. */
  async members(ctx: RequestContext, organisationId: string, args: ConnectionArgs): Promise<Connection<User>> {
    await this.kit.access.requireAccess(ctx, Permission.OrganisationMembersRead, organisationId);
    const cursor = decodeCursor(args.after, ['text', 'uuid']);
    const [{ total }] = await this.kit.db.query(`SELECT count(*)::int AS total FROM users WHERE organisation_id = $1`, [organisationId]);
    const rows: (UserRow & { sort: string })[] = await this.kit.db.query(
      `SELECT ${USER_COLUMNS}, lower(display_name) AS sort FROM users
        WHERE organisation_id = $1 AND ($2::text IS NULL OR (lower(display_name), id) > ($2, $3::uuid))
        ORDER BY lower(display_name), id LIMIT $4`,
      [organisationId, cursor ? String(cursor[0]) : null, cursor ? String(cursor[1]) : null, args.first + 1],
    );
    return toConnection(rows, args.first, total, (r) => [r.sort, r.id], User.fromRow);
  }

  async create(ctx: RequestContext, input: CreateUserInput): Promise<User> {
    const passwordHash = await this.passwords.hash(input.password);
    return this.kit.tx.run(ctx, async (tx) => {
      const [org] = await tx.query(`SELECT id FROM organisations WHERE id = $1`, [input.organisationId]);
      if (!org) throw new NotFoundError('Organisation', input.organisationId);
      const [row] = await tx.query<UserRow>(
        `INSERT INTO users (organisation_id, email, display_name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING ${USER_COLUMNS}`,
        [input.organisationId, input.email.trim(), input.displayName, input.role, passwordHash],
      );
      tx.audit({ action: 'user.create', entityType: 'User', entityId: row.id, details: { email: row.email, role: row.role, organisationId: row.organisation_id } });
      return User.fromRow(row);
    });
  }

  /**
   * Deactivating a user ends every session at once: refresh tokens and, through them, access
   * tokens. A change of role or activity is announced on the event bus, so that the user's open
   * WebSockets are checked again at once and do not keep the old role.
   */
  async update(ctx: RequestContext, id: string, input: UpdateUserInput): Promise<User> {
    return this.kit.tx.run(ctx, async (tx) => {
      const [row] = await tx.query<UserRow>(
        `UPDATE users SET display_name = COALESCE($2, display_name), role = COALESCE($3, role), active = COALESCE($4, active), updated_at = now()
          WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [id, input.displayName ?? null, input.role ?? null, input.active ?? null],
      );
      if (!row) throw new NotFoundError('User', id);
      if (input.active === false) {
        await tx.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [id]);
      }
      tx.audit({ action: 'user.update', entityType: 'User', entityId: id, details: { ...input } });
      if (input.role !== undefined || input.active !== undefined) {
        tx.onCommit(() => this.credentials.announce({ userIds: [id] }));
      }
      return User.fromRow(row);
    });
  }
}
