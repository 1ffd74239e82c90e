/** Configuration: parsed once from the environment, safe defaults, and a clear failure naming every bad variable. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../server/config.ts';

describe('parseConfig', () => {
  it('has a safe default for everything', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      databaseUrl: 'file:data/policy.db',
      databaseAuthToken: undefined,
      logLevel: 'info',
      decisionLogFlushMs: 0,
      decisionLogMaxBatch: 500,
      changePollMs: 200,
      decideBatchMax: 100,
    });
    expect(config.policiesDir).toMatch(/policies\/$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable it documents', () => {
    const config = parseConfig({
      PORT: '9000', HOST: '0.0.0.0', DATABASE_URL: 'libsql://db.example.org', DATABASE_AUTH_TOKEN: 'tok', LOG_LEVEL: 'warn',
      DECISION_LOG_FLUSH_MS: '5', DECISION_LOG_MAX_BATCH: '100', DECISION_LOG_MAX_QUEUE: '1000', CHANGE_POLL_MS: '50',
    });
    expect(config).toMatchObject({ port: 9000, host: '0.0.0.0', databaseUrl: 'libsql://db.example.org', databaseAuthToken: 'tok', logLevel: 'warn', decisionLogFlushMs: 5, decisionLogMaxBatch: 100, decisionLogMaxQueue: 1000, changePollMs: 50 });
  });

  it('fails fast, naming every bad variable at once', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'postgres://x', DECISION_LOG_MAX_BATCH: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'DECISION_LOG_MAX_BATCH']) expect(problems).toContain(name);
  });
});
