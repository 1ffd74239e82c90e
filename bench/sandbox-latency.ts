/**
 * What the sandbox adds to a request (run on demand: npx tsx bench/sandbox-latency.ts; never
 * part of npm test). On one runtime over a fresh database: the draft test run of solum/returns
 * (its embedded tests) and a 35-sample simulation of the draft against the active versions,
 * each through the service verb on the main thread (no sandbox, as before) and through the
 * sandbox (as the API runs them now), interleaved round by round; medians and p90 in ms.
 * The first sandboxed call of a document also compiles it in the worker (cached after).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaRegistry } from '../server/catalog/schema-files.ts';
import { parseConfig } from '../server/config.ts';
import { startRuntime } from '../server/runtime.ts';
import { createDrafts } from '../server/services/drafts.ts';
import { simulate } from '../server/services/simulate.ts';
import type { Actor } from '../server/services/roles.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'sandbox-latency-'));
const rt = await startRuntime(parseConfig({ DATABASE_URL: `file:${join(dir, 'policy.db')}`, LOG_LEVEL: 'silent', SANDBOX_WORKERS: '1' }));
try {
  await rt.sandbox.whenReady(60_000);
  const actor: Actor = { tenant: 'solum', role: 'admin', keyId: 'bench' };
  const registry = schemaRegistry();
  const plain = createDrafts({ db: rt.db, registry });
  const boxed = createDrafts({ db: rt.db, registry, sandbox: rt.sandbox });
  const active = await rt.cache.compiled('solum', 'returns', 2);
  if (!active.ok) throw new Error('solum/returns@2 does not compile');
  await plain.save({ actor, policy: 'returns', document: active.policy.document as unknown as Record<string, unknown>, precondition: { ifNoneMatch: '*' } });
  const simDeps = { db: rt.db, cache: rt.cache, registry, maxCases: 100_000, timeoutMs: 60_000 };
  const question = { actor, policy: 'returns', input: { candidate: { draft: true as const }, cases: { samples: true as const } } };

  const time = async (f: () => Promise<unknown>): Promise<number> => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const first = {
    test: await time(() => boxed.test({ actor, policy: 'returns' })),
    simulate: await time(() => simulate({ ...simDeps, sandbox: rt.sandbox }, question)),
  };
  const samples: Record<string, number[]> = { 'test, main thread': [], 'test, sandbox': [], 'simulate 35, main thread': [], 'simulate 35, sandbox': [] };
  for (let i = 0; i < ROUNDS; i++) {
    samples['test, main thread']!.push(await time(() => plain.test({ actor, policy: 'returns' })));
    samples['test, sandbox']!.push(await time(() => boxed.test({ actor, policy: 'returns' })));
    samples['simulate 35, main thread']!.push(await time(() => simulate(simDeps, question)));
    samples['simulate 35, sandbox']!.push(await time(() => simulate({ ...simDeps, sandbox: rt.sandbox }, question)));
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
  console.log(`first sandboxed call (compiles in the worker): test ${first.test.toFixed(1)} ms, simulate ${first.simulate.toFixed(1)} ms`);
  for (const [name, xs] of Object.entries(samples)) console.log(`${name.padEnd(26)} median ${pct(xs, 0.5).toFixed(1)} ms   p90 ${pct(xs, 0.9).toFixed(1)} ms   (${ROUNDS} rounds)`);
} finally {
  await rt.close();
  rmSync(dir, { recursive: true, force: true });
}
