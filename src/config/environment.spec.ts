import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';
import { ConfigError, validateEnvironment } from './environment.js';

describe('configuration', () => {
  it('has defaults for everything but the secrets', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.database.embedded).toBe(true);
    expect(config.seedDemo).toBe(true);
    expect(config.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('names every invalid variable, and never echoes a secret', () => {
    let message = '';
    try {
      validateEnvironment({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short-secret', LOG_LEVEL: 'loud' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/JWT_SECRET: must be at least 32 characters/);
    expect(message).toMatch(/LOG_LEVEL/);
    expect(message).not.toContain('short-secret');
  });

  it('quotes the value given, and says only what kind of value is wanted when it is of the wrong kind', () => {
    const message = (env: Record<string, string>) => {
      try {
        validateEnvironment(env);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    const port = message({ PORT: 'abc' });
    expect(port).toMatch(/PORT: .*integer.* \(got "abc"\)/);
    expect(port).not.toMatch(/greater|less|null/);
    expect(message({ PORT: '70000' })).toMatch(/PORT: .*not be greater than 65535 \(got "70000"\)/);
    expect(message({ MIGRATIONS_RUN: 'maybe' })).toMatch(/MIGRATIONS_RUN: .*boolean.* \(got "maybe"\)/);
    expect(message({ HUB_TIME_ZONE: 'Europe/Stokholm' })).toMatch(/HUB_TIME_ZONE: must be an IANA time zone such as Europe\/Stockholm \(got "Europe\/Stokholm"\)/);
  });

  it('logs in colour and pretty only on a terminal; JSON in production and wherever the output is a file or a pipe', () => {
    expect(loadConfig({}, true).log).toEqual({ level: 'info', pretty: true, colour: true });
    expect(loadConfig({}, false).log).toEqual({ level: 'info', pretty: false, colour: false });
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }, true).log).toMatchObject({ pretty: false });
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, false).log).toMatchObject({ pretty: true, colour: false });
  });

  it('reads times for people in Europe/Stockholm unless told otherwise', () => {
    expect(loadConfig({}).timeZone).toBe('Europe/Stockholm');
    expect(loadConfig({ HUB_TIME_ZONE: 'Europe/Helsinki' }).timeZone).toBe('Europe/Helsinki');
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' })).toThrow(/JWT_SECRET:.*is required in production/);
  });

  it('loads no demo data on an external database unless asked', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://h/db' }).seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://h/db', SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it('runs migrations as MIGRATIONS_DATABASE_URL when given (DATABASE_URL otherwise), which needs DATABASE_URL naming its role', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app@h/db' }).database.migrationsUrl).toBe('postgres://app@h/db');
    expect(loadConfig({ DATABASE_URL: 'postgres://app@h/db', MIGRATIONS_DATABASE_URL: 'postgres://owner@h/db' }).database).toMatchObject({
      url: 'postgres://app@h/db',
      migrationsUrl: 'postgres://owner@h/db',
    });
    expect(() => validateEnvironment({ MIGRATIONS_DATABASE_URL: 'postgres://owner@h/db' })).toThrow(/MIGRATIONS_DATABASE_URL: needs DATABASE_URL/);
    expect(() => validateEnvironment({ DATABASE_URL: 'postgres://h/db', MIGRATIONS_DATABASE_URL: 'postgres://owner@h/db' })).toThrow(/DATABASE_URL: must name its role/);
  });

  it('limits WebSocket messages to the HTTP body limit unless WS_MAX_PAYLOAD_BYTES says otherwise', () => {
    expect(loadConfig({ GRAPHQL_BODY_LIMIT_BYTES: '50000' }).websocket.maxPayloadBytes).toBe(50000);
    expect(loadConfig({ GRAPHQL_BODY_LIMIT_BYTES: '50000', WS_MAX_PAYLOAD_BYTES: '4096' }).websocket.maxPayloadBytes).toBe(4096);
  });
});
