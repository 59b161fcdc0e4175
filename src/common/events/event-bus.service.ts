import { EventEmitter } from 'node:events';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config.js';
import { currentTraceCarrier, type TraceCarrier } from '../tracing/tracer.js';

/**
 * Where a published event carries the W3C trace context of the change that caused it (when that
 * change was traced), so that its delivery on any replica continues the same trace.
 */
export const EVENT_TRACE_FIELD = '_traceContext';

/** The trace context an event was published with, if any. */
export function eventTraceCarrier(event: unknown): TraceCarrier | undefined {
  return (event as { [EVENT_TRACE_FIELD]?: TraceCarrier } | null)?.[EVENT_TRACE_FIELD];
}

/**
 * Subscription events. In one process an in-memory PubSub; with REDIS_URL a Redis pub/sub, so
 * that an event committed on one replica reaches subscribers connected to any replica.
 * Publish only after commit (Tx.onCommit), never for a change that may still roll back.
 * Payloads cross Redis as JSON: keep them plain (ids, strings, numbers; dates as ISO strings).
 * With tracing on, a payload goes out with the publisher's trace context (EVENT_TRACE_FIELD).
 */
@Injectable()
export class EventBus implements OnModuleDestroy {
  private readonly logger = new Logger(EventBus.name);
  readonly engine: PubSubEngine;
  private readonly redis: Redis[] = [];

  constructor(config: AppConfig) {
    if (config.redisUrl) {
      const options = { maxRetriesPerRequest: null, enableOfflineQueue: true, lazyConnect: false };
      const publisher = new Redis(config.redisUrl, options);
      const subscriber = new Redis(config.redisUrl, options);
      for (const r of [publisher, subscriber]) r.on('error', (e) => this.logger.warn(`Redis: ${e.message}`));
      this.redis.push(publisher, subscriber);
      this.engine = new RedisPubSub({ publisher, subscriber });
    } else {
      // One listener per subscription: a thousand subscribers are normal, not a leak.
      const eventEmitter = new EventEmitter();
      eventEmitter.setMaxListeners(0);
      this.engine = new PubSub({ eventEmitter });
    }
  }

  get distributed(): boolean {
    return this.redis.length > 0;
  }

  async publish<T extends object>(topic: string, payload: T): Promise<void> {
    const carrier = currentTraceCarrier();
    await this.engine.publish(topic, carrier ? { ...payload, [EVENT_TRACE_FIELD]: carrier } : payload);
  }

  /**
   * Calls `handler` with every payload published on `topic` (by any replica, with Redis) for as
   * long as the hub runs; for the hub's own listeners, where a subscription would use asyncIterator.
   */
  async listen<T>(topic: string, handler: (payload: T) => void): Promise<void> {
    await this.engine.subscribe(topic, handler as (payload: unknown) => void, {});
  }

  asyncIterator<T>(topics: string | string[]): AsyncIterableIterator<T> {
    return this.engine.asyncIterableIterator<T>(topics) as AsyncIterableIterator<T>;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.redis.map((r) => r.quit().catch(() => r.disconnect())));
  }
}
