/**
 * The sandbox (server/sandbox/pool.ts) called directly. The documents here would be refused by
 * the static checks or stopped by the engine's work budget, so the tests lift both through the
 * explicit test-only `unsafe` option of an evaluate task: what is left to stop them is the
 * worker's own wall clock and heap limit. The main thread keeps running meanwhile, the worker is
 * replaced, and the next task is served.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { ServiceError } from '../../server/errors.ts';
import { documentRef, Sandbox } from '../../server/sandbox/pool.ts';
import { checkDocument, runTests } from '../../server/services/policy-document.ts';

const returns = JSON.parse(readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const unbounded = { limits: { maxIterationNesting: 10 }, budget: { steps: Number.POSITIVE_INFINITY, maxCollection: Number.POSITIVE_INFINITY } };
const at = '2024-01-20T15:00:00Z';
const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const thousand = Array.from({ length: 1000 }, (_, i) => i);

function policy(x: unknown) {
  return { key: 'hostile', title: 'hostile', input: { type: 'object' }, rules: [{ id: 'r', when: true, then: { x } }], otherwise: { then: { x: null } } };
}
/** Seven nested maps over ten items: 10^7 iterations of a closure, ~20 s in json-logic-js. */
const nested = (depth: number): unknown => (depth === 0 ? { '+': [{ var: '' }, 1] } : { map: [ten, nested(depth - 1)] });
const runaway = policy(nested(8));
/** Two nested maps over 1,000 items merging a 1,000-element array each time: 10^9 values, ~8 GB. */
const bomb = policy({ map: [thousand, { map: [thousand, { merge: [thousand, { var: '' }] }] }] });

async function rejection(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the task to be refused');
}

/** Counts timer ticks while `p` runs: the main thread's event loop must keep turning. */
async function ticksWhile<T>(p: Promise<T>): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  try {
    await p.catch(() => undefined);
  } finally {
    clearInterval(timer);
  }
  return ticks;
}

describe('the sandbox', () => {
  const sandboxes: Sandbox[] = [];
  afterAll(async () => {
    await Promise.all(sandboxes.map((s) => s.close()));
  });
  const start = async (options: { timeoutMs: number; memoryMb: number; workers?: number }) => {
    const sandbox = new Sandbox({ workers: options.workers ?? 1, ...options });
    sandboxes.push(sandbox);
    await sandbox.whenReady(60_000);
    return sandbox;
  };

  it('compiles a draft and runs its tests in a worker exactly as on the main thread', async () => {
    const sandbox = await start({ timeoutMs: 30_000, memoryMb: 256 });
    const checked = checkDocument(schemaRegistry(), 'returns', returns);
    if (!checked.ok) throw new Error('the seed document compiles');
    const here = runTests(checked.policy);
    const there = await sandbox.testDocument('returns', returns);
    expect(there).toEqual({ ok: true, report: here });
    if (!there.ok) return;
    expect(there.report.total).toBeGreaterThan(10);
    expect(there.report.passed).toBe(true);
  });

  it('stops a runaway evaluation at the timeout, answers 422 naming the time budget, and serves the next task', async () => {
    const sandbox = await start({ timeoutMs: 500, memoryMb: 256 });
    const started = performance.now();
    const task = sandbox.run({ kind: 'evaluate', document: documentRef(runaway), input: {}, at, unsafe: unbounded }, '/rules/0/then/x');
    const ticks = await ticksWhile(task);
    const err = await rejection(task);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(ServiceError);
    expect(err.status).toBe(422);
    expect(err.code).toBe('evaluation_failed');
    expect(err.detail).toMatch(/SANDBOX_TIMEOUT_MS = 500 ms/);
    expect(err.errors).toEqual([{ path: '/rules/0/then/x', message: 'exceeded the time budget' }]);
    expect(err.extra.members).toEqual({ budget: { kind: 'time', limit: 500, unit: 'ms' } });
    // Stopped at the budget, not run to the end (10^8 iterations: minutes).
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(15_000);
    // The main thread went on: a 10 ms timer fired throughout (loosely: the machine is shared).
    expect(ticks).toBeGreaterThan(5);
    expect(sandbox.stats.killed.time).toBe(1);

    // A new worker took its place and the next task is served.
    const next = await sandbox.run({ kind: 'evaluate', document: documentRef(policy({ '+': [1, 2] })), input: {}, at }, '/');
    expect(next).toMatchObject({ ok: true, decision: { x: 3, rule: 'r' } });
    expect(sandbox.stats.started).toBe(2);
  });

  it('stops an allocation bomb at the memory limit without harming this process, and serves the next task', async () => {
    const sandbox = await start({ timeoutMs: 120_000, memoryMb: 96 });
    const heapBefore = process.memoryUsage().heapUsed;
    const task = sandbox.run({ kind: 'evaluate', document: documentRef(bomb), input: {}, at, unsafe: unbounded }, '/rules/0/then/x');
    const err = await rejection(task);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err.status).toBe(422);
    expect(err.detail).toMatch(/SANDBOX_MEMORY_MB = 96 MB/);
    expect(err.extra.members).toEqual({ budget: { kind: 'memory', limit: 96, unit: 'MB' } });
    expect(sandbox.stats.killed.memory).toBe(1);
    // The bomb's gigabytes were never this thread's.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);

    const next = await sandbox.testDocument('returns', returns);
    expect(next).toMatchObject({ ok: true, report: { passed: true } });
  });

  it('with nothing lifted, the runaway is refused by the static checks; the bomb is within them (the engine budget stops it)', async () => {
    const sandbox = await start({ timeoutMs: 30_000, memoryMb: 256 });
    const refused = await sandbox.run({ kind: 'tests', policyKey: 'hostile', document: documentRef(runaway) }, '/tests');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems.some((p) => p.path.startsWith('/rules/0/then/x') && /nest/.test(p.message))).toBe(true);
    const within = await sandbox.run({ kind: 'evaluate', document: documentRef(bomb), input: {}, at }, '/');
    expect(within).toMatchObject({ ok: false, error: { kind: 'runtime', budgetExceeded: true } });
  });

  it('with the static checks lifted but the engine budget kept, the budget stops them first', async () => {
    const sandbox = await start({ timeoutMs: 30_000, memoryMb: 256 });
    for (const doc of [runaway, bomb]) {
      const result = await sandbox.run({ kind: 'evaluate', document: documentRef(doc), input: {}, at, unsafe: { limits: unbounded.limits } }, '/');
      expect(result).toMatchObject({ ok: false, error: { kind: 'runtime', budgetExceeded: true } });
    }
  });

  it('refuses with 503 when its queue is full, and never runs what it refused', async () => {
    const sandbox = new Sandbox({ workers: 1, timeoutMs: 500, memoryMb: 256, maxQueue: 1 });
    sandboxes.push(sandbox);
    await sandbox.whenReady(60_000);
    const busy = sandbox.run({ kind: 'evaluate', document: documentRef(runaway), input: {}, at, unsafe: unbounded }, '/');
    const queued = sandbox.run({ kind: 'evaluate', document: documentRef(policy(1)), input: {}, at }, '/');
    const refused = await rejection(sandbox.run({ kind: 'evaluate', document: documentRef(policy(2)), input: {}, at }, '/'));
    expect(refused.status).toBe(503);
    expect(refused.extra.headers).toEqual({ 'Retry-After': '1' });
    expect((await rejection(busy)).status).toBe(422);
    expect(await queued).toMatchObject({ ok: true, decision: { x: 1 } });
  });
});

describe('sandbox configuration', () => {
  it('has safe defaults and refuses nonsense, naming the variable', async () => {
    const { parseConfig, ConfigError } = await import('../../server/config.ts');
    expect(parseConfig({})).toMatchObject({ sandboxWorkers: 2, sandboxTimeoutMs: 10_000, sandboxMemoryMb: 256 });
    expect(parseConfig({ SANDBOX_WORKERS: '1', SANDBOX_TIMEOUT_MS: '500', SANDBOX_MEMORY_MB: '96' })).toMatchObject({ sandboxWorkers: 1, sandboxTimeoutMs: 500, sandboxMemoryMb: 96 });
    let error: unknown;
    try {
      parseConfig({ SANDBOX_WORKERS: '0', SANDBOX_TIMEOUT_MS: 'soon', SANDBOX_MEMORY_MB: '8' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ['SANDBOX_WORKERS', 'SANDBOX_TIMEOUT_MS', 'SANDBOX_MEMORY_MB']) expect((error as InstanceType<typeof ConfigError>).problems.join('\n')).toContain(name);
  });
});

describe('the worker\'s compiled documents', () => {
  it('are reused by content hash and bounded by the size of their text, oldest out first', async () => {
    const { CompiledDocuments } = await import('../../server/sandbox/tasks.ts');
    const refs = [1, 2, 3].map((n) => documentRef(policy(n)));
    const size = refs[0]!.text.length;
    const cache = new CompiledDocuments(schemaRegistry(), 32, size * 2 + 1);
    const first = cache.get(refs[0]!);
    expect(first.ok).toBe(true);
    expect(cache.get(refs[0]!)).toBe(first);
    cache.get(refs[1]!);
    cache.get(refs[2]!);
    // Three texts exceed the bound of two: the least recently used (the first) was dropped.
    expect(cache.get(refs[2]!)).toBe(cache.get(refs[2]!));
    expect(cache.get(refs[0]!)).not.toBe(first);
  });
});
