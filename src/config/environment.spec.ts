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
});
