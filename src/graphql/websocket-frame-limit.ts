import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { WebSocket, WebSocketServer } from 'ws';
import { AppConfig } from '../config/app-config.js';

/** Where @nestjs/apollo keeps the `ws` server that graphql-ws runs on (none of it public). */
interface DriverWithSubscriptions {
  _subscriptionService?: { wss?: WebSocketServer };
}

/**
 * The size limit of a WebSocket message, in the `ws` server itself: `ws` reads the length in a
 * frame's header and, past `maxPayload`, closes the socket with 1009 (Message Too Big) without
 * reading the rest. Without it (`ws` allows 100 MiB), an anonymous client's 90 MiB
 * connection_init was read, turned into a string and parsed before anything checked it.
 *
 * @nestjs/graphql creates that server with only a path and offers no option for it, but `ws`
 * reads `maxPayload` from the server's options for each new connection, so it is set there once
 * the driver has started. If the server cannot be found (another version of the driver), the hub
 * refuses to start rather than run without the limit.
 */
@Injectable()
export class WebsocketFrameLimit implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebSocket');

  constructor(
    private readonly modules: ModuleRef,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const driver = this.modules.get(GraphQLModule, { strict: false }).graphQlAdapter as unknown as DriverWithSubscriptions;
    const wss = driver._subscriptionService?.wss;
    if (!wss?.options) throw new Error("cannot set the WebSocket message limit: @nestjs/apollo's WebSocket server was not found");
    wss.options.maxPayload = this.config.websocket.maxPayloadBytes;
    // graphql-ws reports every error a socket emits as "Internal error … check your
    // implementation" on the console, with a stack trace. Those a server socket emits are the
    // client's protocol errors (a frame too large, invalid UTF-8), after which `ws` has already
    // closed the socket with the right code: a warning in the hub's own log is what they are.
    wss.on('connection', (socket: WebSocket) => {
      socket.removeAllListeners('error');
      socket.on('error', (err: Error & { code?: string }) => this.logger.warn({ code: err.code, message: err.message }, 'WebSocket client protocol error; socket closed'));
    });
  }
}
