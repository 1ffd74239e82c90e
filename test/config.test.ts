/** Configuration: parsed once from the environment, safe defaults, and a clear failure naming every bad variable. */
import { readFileSync } from 'node:fs';
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

describe('limits (README "Limits")', () => {
  it('default to values that never disturb a single client, with bursts derived from the rates', () => {
    expect(parseConfig({})).toMatchObject({
      bodyLimitBytes: 1_048_576, decideBatchMax: 100, simulateMaxCases: 100_000, simulateTimeoutMs: 60_000,
      requestTimeoutMs: 30_000, rateLimitPerSecond: 10_000, rateLimitBurst: 20_000, rateLimitAnonPerSecond: 100, rateLimitAnonBurst: 500,
      evalMaxSteps: 1_000_000, evalMaxCollection: 100_000,
    });
  });

  it('reads each limit, 0 turning the request timeout and the rate limits off', () => {
    const config = parseConfig({
      REQUEST_TIMEOUT_MS: '0', RATE_LIMIT_PER_SECOND: '50', RATE_LIMIT_BURST: '10', RATE_LIMIT_ANON_PER_SECOND: '0',
      EVAL_MAX_STEPS: '5000', EVAL_MAX_COLLECTION: '1000',
    });
    expect(config).toMatchObject({ requestTimeoutMs: 0, rateLimitPerSecond: 50, rateLimitBurst: 10, rateLimitAnonPerSecond: 0, evalMaxSteps: 5000, evalMaxCollection: 1000 });
  });

  it('refuses a limit out of its range, saying what it must be', () => {
    let error: unknown;
    try {
      parseConfig({ REQUEST_TIMEOUT_MS: '50', RATE_LIMIT_PER_SECOND: '-1', RATE_LIMIT_BURST: '0', RATE_LIMIT_ANON_BURST: 'many', EVAL_MAX_STEPS: '0', EVAL_MAX_COLLECTION: '1e9' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toContain('REQUEST_TIMEOUT_MS="50": must be 0 (off) or an integer from 100 to 3600000');
    for (const name of ['RATE_LIMIT_PER_SECOND', 'RATE_LIMIT_BURST', 'RATE_LIMIT_ANON_BURST', 'EVAL_MAX_STEPS', 'EVAL_MAX_COLLECTION']) {
      expect(problems.some((p) => p.startsWith(`${name}=`)), name).toBe(true);
    }
  });
});

describe('the README', () => {
  it('documents every variable parseConfig reads in its Configuration table', () => {
    const source = readFileSync(new URL('../server/config.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const names = [...new Set([...source.matchAll(/(?:int|intOrOff|str)\('([A-Z_]+)'|env\.([A-Z_]+)/g)].map((m) => m[1] ?? m[2]!))];
    expect(names).toEqual(expect.arrayContaining(['BODY_LIMIT_BYTES', 'REQUEST_TIMEOUT_MS', 'RATE_LIMIT_PER_SECOND', 'RATE_LIMIT_ANON_BURST', 'EVAL_MAX_STEPS']));
    const table = readme.slice(readme.indexOf('## Configuration'));
    for (const name of names) expect(table, name).toContain(`| \`${name}\` |`);
  });
});
