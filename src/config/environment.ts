import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsTimeZone,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const v = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyAsUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** A whole number from `min` to `max`, read from the variable's string: `@Transform(toInt) @IsInt() @Min(min) @Max(max)`. */
function IntBetween(min: number, max: number): PropertyDecorator {
  // Applied as the stacked decorators were, the one nearest the property first.
  const decorators = [Max(max), Min(min), IsInt(), Transform(toInt)];
  return (target, key) => decorators.forEach((d) => d(target, key));
}

/**
 * Every environment variable the hub reads, with its default. `.env.example` lists the same
 * variables; `loadConfig` is the only place in the code that reads `process.env`.
 */
export class Environment {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IntBetween(0, 65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyAsUndefined) @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  /**
   * The role that owns the tables and runs the migrations. When it differs from DATABASE_URL,
   * DATABASE_URL's role runs the hub with only the privileges it needs (granted by the migration
   * runner). Unset: DATABASE_URL's role does both.
   */
  @Transform(emptyAsUndefined) @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  MIGRATIONS_DATABASE_URL?: string;

  @IntBetween(1, 200)
  DATABASE_POOL_SIZE = 10;

  @IntBetween(100, 60000)
  DATABASE_CONNECT_TIMEOUT_MS = 3000;

  @IntBetween(100, 600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 15000;

  @Transform(toBoolean) @IsBoolean()
  MIGRATIONS_RUN = true;

  @Transform(toBoolean) @IsOptional() @IsBoolean()
  SEED_DEMO?: boolean;

  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  @IntBetween(1024, 65535)
  EMBEDDED_PG_PORT = 54329;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Unset: pretty on a terminal outside production, JSON otherwise (files, pipes, containers). */
  @Transform(emptyAsUndefined) @IsOptional() @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /** The time zone of times that people read: the printable pages. */
  @IsTimeZone({ message: 'must be an IANA time zone such as Europe/Stockholm' })
  HUB_TIME_ZONE = 'Europe/Stockholm';

  /** A map tile server the console's map may load from ({z}/{x}/{y}); unset: bundled outlines only. */
  @Transform(emptyAsUndefined) @IsOptional()
  @Matches(/^https?:\/\/[^/\s]+\/\S*\{z\}\S*$/, { message: 'must be an http(s) URL with {z}, {x} and {y}, e.g. https://tiles.example/{z}/{x}/{y}.png' })
  CONSOLE_MAP_TILE_URL?: string;

  @Transform(emptyAsUndefined) @ValidateIf((e: Environment) => e.NODE_ENV === 'production' || e.JWT_SECRET !== undefined)
  @IsString({ message: 'is required in production' })
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @IntBetween(60, 900)
  JWT_ACCESS_TTL_SECONDS = 900;

  /**
   * How long a replica reuses an authenticated principal (a session's user, an API key) without
   * asking the database again. Logout, deactivation, role changes and revocations are announced to
   * every replica and drop the entry at once; this bounds what nothing announces (a change made in
   * the database directly, an announcement lost while Redis was away). 0: look up every request.
   */
  @IntBetween(0, 300)
  PRINCIPAL_CACHE_SECONDS = 30;

  @IntBetween(3600, 90 * 24 * 3600)
  REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 3600;

  @IntBetween(1, 1000)
  LOGIN_MAX_ACCOUNT_FAILURES = 5;

  @IntBetween(1, 100000)
  LOGIN_MAX_ADDRESS_FAILURES = 20;

  @IntBetween(1, 86400)
  LOGIN_LOCK_SECONDS = 900;

  @Transform(emptyAsUndefined) @IsOptional() @IsString()
  HUB_ADMIN_EMAIL?: string;

  @Transform(emptyAsUndefined) @ValidateIf((e: Environment) => e.HUB_ADMIN_EMAIL !== undefined)
  @IsString({ message: 'is required when HUB_ADMIN_EMAIL is set' })
  @MinLength(12, { message: 'must be at least 12 characters' })
  HUB_ADMIN_PASSWORD?: string;

  @IntBetween(1, 1000000)
  RATE_LIMIT_PER_MINUTE = 600;

  @Transform(emptyAsUndefined) @IsOptional() @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL?: string;

  @Transform(toBoolean) @IsBoolean()
  TRUST_PROXY = false;

  @IntBetween(1024, 10 * 1024 * 1024)
  GRAPHQL_BODY_LIMIT_BYTES = 100 * 1024;

  @IntBetween(2, 50)
  GRAPHQL_MAX_DEPTH = 12;

  @IntBetween(1, 100)
  GRAPHQL_MAX_ALIASES = 15;

  @IntBetween(100, 100000)
  GRAPHQL_MAX_TOKENS = 3000;

  @IntBetween(100, 1000000)
  GRAPHQL_MAX_COST = 20000;

  @IntBetween(1, 100)
  GRAPHQL_MAX_DIRECTIVES = 20;

  @IntBetween(0, 120000)
  SHUTDOWN_TIMEOUT_MS = 10000;

  /** Operational picture lines kept in the cache (about 4 KB each); 0 turns the picture's caches off. */
  @IntBetween(0, 1000000)
  PICTURE_CACHE_ROWS = 8000;

  /**
   * The largest WebSocket message the hub reads; a larger one closes the socket (1009) before it
   * is read. Unset: GRAPHQL_BODY_LIMIT_BYTES, the limit of an HTTP request.
   */
  @Transform(toInt) @IsOptional() @IsInt() @Min(1024) @Max(10 * 1024 * 1024)
  WS_MAX_PAYLOAD_BYTES?: number;

  /** How often open WebSocket connections are checked against the database (revoked credentials close them). */
  @IntBetween(1, 3600)
  WS_RECHECK_SECONDS = 30;

  /** Operations (subscriptions, and queries or mutations while they run) open at once on one WebSocket. */
  @IntBetween(1, 10000)
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET = 50;

  /** Open WebSocket connections of one user session's user or one API key, per replica. */
  @IntBetween(1, 10000)
  WS_MAX_SOCKETS_PER_PRINCIPAL = 20;

  /** Whether this replica sends webhook deliveries (every replica may: they claim work with SKIP LOCKED). */
  @Transform(toBoolean) @IsBoolean()
  WEBHOOK_WORKER = true;

  /** How often the worker looks for due deliveries when the last look found none. */
  @IntBetween(10, 600000)
  WEBHOOK_POLL_INTERVAL_MS = 1000;

  /** Deliveries one worker claims at a time (and sends concurrently). */
  @IntBetween(1, 500)
  WEBHOOK_BATCH_SIZE = 20;

  /** How long a claim holds: a replica killed after claiming loses its deliveries to another after this. */
  @IntBetween(1, 3600)
  WEBHOOK_CLAIM_LEASE_SECONDS = 60;

  /** The whole request to a receiver, connection to last byte. */
  @IntBetween(100, 60000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** Attempts before a delivery is DEAD. */
  @IntBetween(1, 100)
  WEBHOOK_MAX_ATTEMPTS = 10;

  /** The wait after the first failure; it doubles with each further one (with jitter), up to WEBHOOK_BACKOFF_MAX_MS. */
  @IntBetween(1, 3600000)
  WEBHOOK_BACKOFF_BASE_MS = 10000;

  @IntBetween(1, 86400000)
  WEBHOOK_BACKOFF_MAX_MS = 3600000;

  /**
   * Lets endpoints resolve to loopback, private, link-local and metadata addresses: for tests
   * and closed networks only. Off, such endpoints are refused at registration and at every delivery.
   */
  @Transform(toBoolean) @IsBoolean()
  WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = false;

  /**
   * Delivered, dead and skipped deliveries (webhook and e-mail) are deleted this many days after
   * they finished, by the worker, in batches; 0 keeps them until their endpoint or user is deleted.
   */
  @IntBetween(0, 3650)
  OUTBOX_RETENTION_DAYS = 30;

  /** E-mail to people (smtp://user:pass@host:587, smtps://… for TLS from the start); unset: no e-mail is sent. */
  @Transform(emptyAsUndefined) @IsOptional() @Matches(/^smtps?:\/\//, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The From of the hub's e-mail. */
  @IsString() @MinLength(3)
  SMTP_FROM = 'Samverkan <noreply@samverkan.invalid>';

  /** Where people open the hub: the links in e-mail start with it. */
  @IsString() @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  HUB_PUBLIC_URL = 'http://localhost:3000';
}

export class ConfigError extends Error {}

/**
 * A value of the wrong kind (`PORT=abc`) fails its range checks too; only the kind is worth
 * saying then.
 */
const KIND_CONSTRAINTS = ['isInt', 'isBoolean', 'isIn', 'isString', 'matches', 'isTimeZone'];

/** The role a postgres:// URL connects as, when it names one. */
export function databaseRole(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).username) || undefined;
  } catch {
    return undefined;
  }
}

/** Validates the environment; the error names every variable that is wrong and why. */
export function validateEnvironment(env: Record<string, string | undefined>): Environment {
  const known = Object.fromEntries(
    Object.keys(new Environment())
      .concat(['DATABASE_URL', 'MIGRATIONS_DATABASE_URL', 'SEED_DEMO', 'LOG_FORMAT', 'JWT_SECRET', 'HUB_ADMIN_EMAIL', 'HUB_ADMIN_PASSWORD', 'REDIS_URL', 'WS_MAX_PAYLOAD_BYTES', 'SMTP_URL'])
      .filter((k) => env[k] !== undefined)
      .map((k) => [k, env[k]]),
  );
  const parsed = plainToInstance(Environment, known, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: true, forbidUnknownValues: false });
  const lines = errors.map((e) => {
    const constraints = e.constraints ?? {};
    const kind = Object.keys(constraints).filter((c) => KIND_CONSTRAINTS.includes(c));
    const messages = kind.length ? kind.map((c) => constraints[c]) : Object.values(constraints);
    // What was given, as given: the converted value of `PORT=abc` would read "got null".
    const given = known[e.property];
    const value = /SECRET|PASSWORD|URL/.test(e.property) || given === undefined ? '' : ` (got ${JSON.stringify(given)})`;
    return `  ${e.property}: ${messages.join('; ')}${value}`;
  });
  if (errors.length === 0 && parsed.MIGRATIONS_DATABASE_URL) {
    if (!parsed.DATABASE_URL) {
      lines.push('  MIGRATIONS_DATABASE_URL: needs DATABASE_URL, the role the hub runs as (the embedded server sets up both roles itself)');
    } else if (parsed.MIGRATIONS_DATABASE_URL !== parsed.DATABASE_URL && !databaseRole(parsed.DATABASE_URL)) {
      lines.push('  DATABASE_URL: must name its role (postgres://role:password@host/db) when MIGRATIONS_DATABASE_URL differs from it');
    }
  }
  if (lines.length > 0) throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  return parsed;
}
