import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CloseCode } from 'graphql-ws';
import { AppConfig } from '../config/app-config.js';
import type { Principal } from '../common/auth/principal.js';
import { PrincipalLookupService } from './principal-lookup.service.js';

/** What the hub needs of an open graphql-ws socket: to close it. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
}

/**
 * The open graphql-ws connections and their principals. A connection is authenticated once, at
 * `connection_init`; every `WS_RECHECK_SECONDS` all open connections are checked again against
 * the database in one statement per kind of principal, and those whose principal no longer
 * holds (user or organisation deactivated, session ended, role or organisation changed, API key
 * revoked or expired) are closed with 4403 Forbidden. Their subscriptions end with them; the
 * client has to connect again, with credentials that hold.
 */
@Injectable()
export class WebsocketSessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WebsocketSessionsService.name);
  private readonly open = new Map<ClosableSocket, Principal>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly principals: PrincipalLookupService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.recheck(), this.config.websocket.recheckSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  opened(socket: ClosableSocket, principal: Principal): void {
    this.open.set(socket, principal);
  }

  closed(socket: ClosableSocket): void {
    this.open.delete(socket);
  }

  /** Checks every open connection's principal; closes those that no longer hold. */
  recheck(): Promise<void> {
    this.running ??= this.checkAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkAll(): Promise<void> {
    if (!this.open.size) return;
    const entries = [...this.open];
    try {
      const stale = await this.principals.noLongerValid(entries.map(([, p]) => p));
      for (const i of stale) {
        const [socket] = entries[i];
        if (!this.open.delete(socket)) continue;
        socket.close(CloseCode.Forbidden, 'Forbidden');
      }
      if (stale.length) this.logger.log({ closed: stale.length }, 'closed WebSocket connections whose credentials no longer hold');
    } catch (e) {
      // The database may be away for a moment: the connections are checked again next time.
      this.logger.warn({ err: e }, 'could not recheck the WebSocket connections');
    }
  }
}
