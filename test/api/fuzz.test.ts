/**
 * API fuzz (issue 7, point 3): FUZZ_REQUESTS hostile requests generated from the server's own
 * OpenAPI document (test/helpers/fuzz.ts), from a fixed seed, against a real server on
 * 127.0.0.1. Not one answer is a 5xx, every request is answered within the timeout, every
 * error is a well-formed application/problem+json, and afterwards the server still answers
 * /healthz and a valid decide, with Object.prototype untouched. `npm run soak` runs the same
 * generators much longer with any seed. FUZZ_SEED and FUZZ_REQUESTS override the run here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideBodies, prepareTarget, runFuzz } from '../helpers/fuzz-run.ts';
import type { FuzzTarget } from '../helpers/fuzz.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_701);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);

let server: TestServer;
let target: FuzzTarget;

beforeAll(async () => {
  // Limits that answer 429 are off, so every request reaches the code it is aimed at (their own
  // tests are in limits.test.ts); a smaller body limit keeps the oversized bodies cheap to send.
  server = await startServer({ env: { BODY_LIMIT_BYTES: '262144', REQUEST_TIMEOUT_MS: '20000', RATE_LIMIT_ANON_PER_SECOND: '0', RATE_LIMIT_PER_SECOND: '0', OPERATOR_KEY: 'fuzz-operator-key-0123456789-abcdefghij' } });
  target = await prepareTarget(server);
});
afterAll(() => server?.close());

describe('the API under fuzzed requests', () => {
  it(`answers ${REQUESTS} hostile requests (seed ${SEED}) without a 5xx, a hang or an error that is not problem+json`, async () => {
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const report = await runFuzz({ url: server.url, target, seed: SEED, count: REQUESTS, concurrency: 8, timeoutMs: 30_000 });
    console.log(`fuzz: ${report.sent} requests in ${(report.ms / 1000).toFixed(1)} s, slowest ${report.slowestMs.toFixed(0)} ms, by status ${JSON.stringify(report.byStatus)}`);
    expect(report.failures, `seed ${SEED}; replay one with replay(target, seed, index)`).toEqual([]);
    expect(report.sent).toBe(REQUESTS);
    // Every operation of the document was fuzzed, and nearly all were answered 2xx sometimes:
    // the requests get past the key, the role and the schema to the code behind them.
    const operations = target.operations.map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(Object.keys(report.byOperation).sort()).toEqual([...operations].sort());
    const succeeded = operations.filter((o) => Object.keys(report.byOperation[o]!).some((s) => s.startsWith('2')));
    expect(succeeded.length / operations.length, `never 2xx: ${operations.filter((o) => !succeeded.includes(o)).join(', ')}`).toBeGreaterThan(0.8);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const health = await server.get('/healthz');
    expect(health.status, health.text).toBe(200);
    const decide = await server.post('/v1/policies/returns/decide', decideBodies().solum!.returns![0], await server.key('solum', 'decider'));
    expect(decide.status, decide.text).toBe(200);
  }, 180_000);
});
