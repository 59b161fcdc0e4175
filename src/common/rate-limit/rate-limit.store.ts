import { Redis } from 'ioredis';

export interface HitRecord {
  hits: number;
  /** Milliseconds until the window (or the block) ends. */
  retryAfterMs: number;
  blocked: boolean;
}

/** Where the counters live: this process, or Redis when replicas must share them. */
export interface RateLimitStore {
  hit(key: string, windowMs: number, limit: number): Promise<HitRecord>;
  close(): Promise<void>;
}

/** Fixed windows in memory: one replica only. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { hits: number; resetAt: number }>();

  async hit(key: string, windowMs: number, limit: number): Promise<HitRecord> {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 100_000) for (const [k, v] of this.windows) if (v.resetAt <= now) this.windows.delete(k);
      w = { hits: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.hits++;
    return { hits: w.hits, retryAfterMs: w.resetAt - now, blocked: w.hits > limit };
  }

  async close(): Promise<void> {}
}

/** One atomic step in Redis: count the hit and start the window on the first. */
const HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { hits, redis.call('PTTL', KEYS[1]) }
`;

/** Fixed windows in Redis, shared by every replica. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix = 'hub:ratelimit:') {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
    this.redis.on('error', () => undefined); // the request that needs Redis reports it
    this.redis.defineCommand('hubHit', { numberOfKeys: 1, lua: HIT });
  }

  async hit(key: string, windowMs: number, limit: number): Promise<HitRecord> {
    const run = (this.redis as unknown as { hubHit: (k: string, ms: number) => Promise<[number, number]> }).hubHit;
    const [hits, ttl] = await run.call(this.redis, `${this.prefix}${key}`, windowMs);
    return { hits, retryAfterMs: Math.max(ttl, 0), blocked: hits > limit };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
