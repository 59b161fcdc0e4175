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
