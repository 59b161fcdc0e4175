import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Environment, validateEnvironment } from './environment.js';

/**
 * The hub's typed configuration, built once from the environment at start. It is a class so
 * that services inject it by type (`constructor(private readonly config: AppConfig)`).
 */
export class AppConfig {
  readonly production: boolean;
  readonly env: Environment['NODE_ENV'];
  readonly http: { host: string; port: number; trustProxy: boolean; bodyLimitBytes: number; shutdownTimeoutMs: number };
  readonly database: {
    /** Empty until the embedded server has started, when no DATABASE_URL was given. */
    url: string;
    /**
     * Where migrations run: the owner of the tables. When its role differs from `url`'s, the
     * migration runner grants `url`'s role what the hub needs (src/database/runtime-privileges.ts).
     */
    migrationsUrl: string;
    embedded: boolean;
    poolSize: number;
    connectTimeoutMs: number;
    statementTimeoutMs: number;
    migrationsRun: boolean;
    embeddedDir: string;
    embeddedPort: number;
  };
  readonly seedDemo: boolean;
  /**
   * `pretty`: human-readable lines instead of JSON; `colour`: escape codes in them, only ever
   * on a terminal (never into a file or a log collector).
   */
  readonly log: { level: string; pretty: boolean; colour: boolean };
  /** The IANA time zone of the times people read (printable pages). */
  readonly timeZone: string;
  /** The console map's tile server, or none (bundled outlines only). */
  readonly consoleMapTileUrl: string | undefined;
  readonly auth: {
    jwtSecret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /** PRINCIPAL_CACHE_SECONDS: how long a replica reuses a principal it looked up (0: not at all). */
    principalCacheSeconds: number;
    adminEmail?: string;
    adminPassword?: string;
    /** Failed logins within the lock period before an account or a client address is locked. */
    maxAccountFailures: number;
    maxAddressFailures: number;
    lockSeconds: number;
  };
  readonly redisUrl?: string;
  /** Requests per minute per principal (per client address when anonymous), over all operations. */
  readonly rateLimit: { perMinute: number };
  /**
   * Rows kept by the operational picture's cache (`rows`) and by those of its open requests and
   * active links (`partRows`); 0 turns them off (src/common/cache/picture-stamps.ts).
   * `directoryRecords`: organisations and users (each) kept under the directory stamp for the
   * picture (`DirectoryCache`); they stay with PICTURE_CACHE_ROWS=0, as they stay after a change
   * of an incident (a change of the directory is what makes them be read again).
   */
  readonly pictureCache: { rows: number; partRows: number; directoryRecords: number };
  /**
   * Open graphql-ws connections are checked again this often (WebsocketSessionsService); a
   * message larger than `maxPayloadBytes` closes its socket unread (src/graphql/websocket-frame-limit.ts).
   * `maxOperationsPerSocket` operations may be open on one socket at once, and one principal may
   * hold `maxSocketsPerPrincipal` sockets on each replica (src/graphql/websocket-operations.ts).
   */
  readonly websocket: { recheckSeconds: number; maxPayloadBytes: number; maxOperationsPerSocket: number; maxSocketsPerPrincipal: number };
  readonly graphql: { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number; maxDirectives: number };
  /** Webhook delivery (src/notifications): the worker, its retries and which addresses receivers may have. */
  readonly webhooks: {
    worker: boolean;
    pollIntervalMs: number;
    batchSize: number;
    claimLeaseSeconds: number;
    timeoutMs: number;
    maxAttempts: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    allowPrivateAddresses: boolean;
    /** Finished deliveries are deleted this many days after finishing; 0: kept. */
    retentionDays: number;
  };
  /** E-mail to people through the outbox; `url` unset: e-mail is off. `publicUrl` starts the links. */
  readonly email: { url?: string; from: string; publicUrl: string };

  /** `terminal`: whether standard output is a terminal (TTY). */
  constructor(e: Environment, devJwtSecret: string, terminal = false) {
    this.env = e.NODE_ENV;
    this.production = e.NODE_ENV === 'production';
    this.http = {
      host: e.HOST,
      port: e.PORT,
      trustProxy: e.TRUST_PROXY,
      bodyLimitBytes: e.GRAPHQL_BODY_LIMIT_BYTES,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    };
    const embedded = !e.DATABASE_URL;
    this.websocket = {
      recheckSeconds: e.WS_RECHECK_SECONDS,
      maxPayloadBytes: e.WS_MAX_PAYLOAD_BYTES ?? e.GRAPHQL_BODY_LIMIT_BYTES,
      maxOperationsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSocketsPerPrincipal: e.WS_MAX_SOCKETS_PER_PRINCIPAL,
    };
    this.pictureCache = { rows: e.PICTURE_CACHE_ROWS, partRows: Math.min(e.PICTURE_CACHE_ROWS, 2000), directoryRecords: 20_000 };
    this.database = {
      url: e.DATABASE_URL ?? '',
      migrationsUrl: e.MIGRATIONS_DATABASE_URL ?? e.DATABASE_URL ?? '',
      embedded,
      poolSize: e.DATABASE_POOL_SIZE,
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      migrationsRun: e.MIGRATIONS_RUN,
      embeddedDir: resolve(e.EMBEDDED_PG_DIR),
      embeddedPort: e.EMBEDDED_PG_PORT,
    };
    this.seedDemo = e.SEED_DEMO ?? embedded;
    this.log = {
      level: e.LOG_LEVEL,
      pretty: (e.LOG_FORMAT ?? (terminal && !this.production ? 'pretty' : 'json')) === 'pretty',
      colour: terminal,
    };
    this.timeZone = e.HUB_TIME_ZONE;
    this.consoleMapTileUrl = e.CONSOLE_MAP_TILE_URL;
    this.auth = {
      // Outside production a missing secret gets a random one per process: tokens then end
      // with the process, which is what a developer expects; production refuses to start.
      jwtSecret: e.JWT_SECRET ?? devJwtSecret,
      accessTtlSeconds: e.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      principalCacheSeconds: e.PRINCIPAL_CACHE_SECONDS,
      adminEmail: e.HUB_ADMIN_EMAIL,
      adminPassword: e.HUB_ADMIN_PASSWORD,
      maxAccountFailures: e.LOGIN_MAX_ACCOUNT_FAILURES,
      maxAddressFailures: e.LOGIN_MAX_ADDRESS_FAILURES,
      lockSeconds: e.LOGIN_LOCK_SECONDS,
    };
    this.redisUrl = e.REDIS_URL;
    this.rateLimit = { perMinute: e.RATE_LIMIT_PER_MINUTE };
    this.webhooks = {
      worker: e.WEBHOOK_WORKER,
      pollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS,
      batchSize: e.WEBHOOK_BATCH_SIZE,
      claimLeaseSeconds: e.WEBHOOK_CLAIM_LEASE_SECONDS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      backoffBaseMs: e.WEBHOOK_BACKOFF_BASE_MS,
      backoffMaxMs: Math.max(e.WEBHOOK_BACKOFF_MAX_MS, e.WEBHOOK_BACKOFF_BASE_MS),
      allowPrivateAddresses: e.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES,
      retentionDays: e.OUTBOX_RETENTION_DAYS,
    };
    this.email = { url: e.SMTP_URL, from: e.SMTP_FROM, publicUrl: e.HUB_PUBLIC_URL.replace(/\/+$/, '') };
    this.graphql = {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
    };
  }

  /** This configuration on another database: the hub runs as `url`'s role, migrations as `migrationsUrl`'s. */
  withDatabaseUrl(url: string, migrationsUrl = url): AppConfig {
    const copy = Object.create(AppConfig.prototype) as AppConfig;
    Object.assign(copy, this, { database: { ...this.database, url, migrationsUrl } });
    return copy;
  }
}

/** The one place that reads process.env (and asks whether standard output is a terminal). */
export function loadConfig(env: Record<string, string | undefined> = process.env, terminal = process.stdout.isTTY === true): AppConfig {
  return new AppConfig(validateEnvironment(env), randomBytes(32).toString('base64url'), terminal);
}

/**
 * How to log before there is a configuration (the configuration itself is wrong): JSON unless
 * a person is watching.
 */
export function fallbackLogSettings(terminal = process.stdout.isTTY === true): AppConfig['log'] {
  return { level: 'info', pretty: terminal, colour: terminal };
}
