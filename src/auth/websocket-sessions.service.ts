import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CloseCode } from 'graphql-ws';
import { AppConfig } from '../config/app-config.js';
import { principalKey, type Principal } from '../common/auth/principal.js';
import { UnauthenticatedError } from '../common/errors/domain-errors.js';
import { concerns, CredentialAnnouncements, type CredentialsChanged } from '../common/events/credentials-changed.js';
import { INVALID_CREDENTIALS, PrincipalLookupService } from './principal-lookup.service.js';

/** What the hub needs of an open graphql-ws socket: to close it. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
}

interface OpenSocket {
  principal: Principal;
  /**
   * Set while the principal is checked again after a change of its credentials was announced:
   * operations on the socket wait for the verdict instead of using what may no longer hold.
   */
  checking?: Promise<void>;
}

/**
 * The open graphql-ws connections and their principals: the per-process cache of which
 * principals hold, so that an operation on a socket costs no database look-up.
 *
 * A connection is authenticated at `connection_init`. When a service announces on the event bus
 * that credentials changed (logout, refresh-token reuse, password change, API key revoked, user
 * or organisation deactivated, role changed; CredentialAnnouncements, from any replica through Redis),
 * the sockets it concerns are checked against the database at once, and their operations wait
 * for that. Every `WS_RECHECK_SECONDS` all open connections are checked again as a backstop (an
 * expired key, a change made in the database directly, an announcement lost with Redis). A
 * socket whose principal no longer holds (user or organisation inactive, session ended, role or
 * organisation changed, key revoked or expired) is closed with 4403 Forbidden, its
 * subscriptions with it; the client has to connect again, with credentials that hold.
 *
 * It also counts each principal's sockets on this replica (WS_MAX_SOCKETS_PER_PRINCIPAL).
 */
@Injectable()
export class WebsocketSessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WebsocketSessionsService.name);
  private readonly open = new Map<ClosableSocket, OpenSocket>();
  private readonly socketsOf = new Map<string, number>();
  private readonly checks = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly principals: PrincipalLookupService,
    private readonly credentials: CredentialAnnouncements,
  ) {}

  async onModuleInit(): Promise<void> {
    this.timer = setInterval(() => void this.recheck(), this.config.websocket.recheckSeconds * 1000);
    this.timer.unref();
    await this.credentials.listen((change) => this.changed(change));
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([this.running, ...this.checks]);
  }

  /**
   * Registers an authenticated socket; false, and nothing registered, when its principal holds
   * WS_MAX_SOCKETS_PER_PRINCIPAL sockets on this replica already.
   */
  opened(socket: ClosableSocket, principal: Principal): boolean {
    const key = principalKey(principal);
    const count = this.socketsOf.get(key) ?? 0;
    if (count >= this.config.websocket.maxSocketsPerPrincipal) return false;
    this.socketsOf.set(key, count + 1);
    this.open.set(socket, { principal });
    return true;
  }

  closed(socket: ClosableSocket): void {
    this.forget(socket);
  }

  /**
   * The principal of an open socket, for an operation on it: as authenticated, or, after a
   * change of its credentials was announced, once the database has confirmed that it holds.
   * UNAUTHENTICATED when it no longer does (the socket is being closed).
   */
  async principalOf(socket: ClosableSocket): Promise<Principal> {
    const checking = this.open.get(socket)?.checking;
    if (checking) await checking;
    const entry = this.open.get(socket);
    if (!entry) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    return entry.principal;
  }

  /** Checks every open connection's principal; closes those that no longer hold. */
  recheck(): Promise<void> {
    this.running ??= this.check([...this.open.keys()], false).finally(() => (this.running = undefined));
    return this.running;
  }

  /** An announced change: the sockets it concerns are checked at once, and their operations wait. */
  private changed(change: CredentialsChanged): void {
    const sockets = [...this.open].filter(([, e]) => concerns(change, e.principal)).map(([s]) => s);
    if (!sockets.length) return;
    const done: Promise<void> = this.check(sockets, true).finally(() => {
      this.checks.delete(done);
      // A later announcement may have started a check of its own: that one stays awaited.
      for (const s of sockets) {
        const entry = this.open.get(s);
        if (entry?.checking === done) entry.checking = undefined;
      }
    });
    this.checks.add(done);
    for (const s of sockets) this.open.get(s)!.checking = done;
  }

  private async check(sockets: ClosableSocket[], announced: boolean): Promise<void> {
    const entries = sockets.flatMap((s) => {
      const e = this.open.get(s);
      return e ? [{ socket: s, entry: e }] : [];
    });
    if (!entries.length) return;
    let stale: ClosableSocket[];
    try {
      stale = (await this.principals.noLongerValid(entries.map((e) => e.entry.principal))).map((i) => entries[i].socket);
    } catch (e) {
      // The database may be away for a moment. The periodic check tries again next time; after an
      // announced change nothing confirms that the credentials still hold, so those sockets close
      // (4403) and their clients connect again, with credentials that are checked then.
      this.logger.warn({ err: e }, 'could not recheck the WebSocket connections');
      if (!announced) return;
      stale = entries.map((e) => e.socket);
    }
    for (const socket of stale) this.refuse(socket);
    if (stale.length) this.logger.log({ closed: stale.length }, 'closed WebSocket connections whose credentials no longer hold');
  }

  /**
   * Forgets the socket at once (its next operation is UNAUTHENTICATED) and closes it a moment
   * later, so that the refusal of an operation that waited for this check reaches the client
   * before the close does.
   */
  private refuse(socket: ClosableSocket): void {
    if (this.forget(socket)) setImmediate(() => socket.close(CloseCode.Forbidden, 'Forbidden'));
  }

  private forget(socket: ClosableSocket): boolean {
    const entry = this.open.get(socket);
    if (!entry) return false;
    this.open.delete(socket);
    const key = principalKey(entry.principal);
    const count = (this.socketsOf.get(key) ?? 1) - 1;
    if (count > 0) this.socketsOf.set(key, count);
    else this.socketsOf.delete(key);
    return true;
  }
}
