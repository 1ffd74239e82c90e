/**
 * `npm run soak` (never part of `npm test`): the API fuzz of test/api/fuzz.test.ts, much longer,
 * beside sustained decide load, against one real server on 127.0.0.1 (test/helpers/server.ts).
 * Prints the seed first, so a failing run can be replayed with the same seed, then a progress
 * line every 10,000 requests and a summary: the fuzz's answers by status and any failure (a 5xx,
 * no answer within the timeout, an error that is not problem+json), the decide load's rate,
 * latency and any answer that was not a 200, the server's memory, and the checks after the run
 * (/healthz and a valid decide answer, Object.prototype untouched). Exits 1 on any failure.
 *
 *   npm run soak                                   200,000 requests, a random seed
 *   npm run soak -- --requests 50000 --seed 42     replay or shorten
 *   SOAK_SEED=42 SOAK_REQUESTS=1000000 npm run soak
 *   RATE_LIMIT_PER_SECOND=500 npm run soak         server settings come from the environment
 *
 * Options: --requests N, --seed S, --concurrency C (fuzz requests in flight, default 8),
 * --decide-connections D (decide load, default 4; 0 = none).
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createKey } from '../server/services/api-keys.ts';
import { decideBodies, prepareTarget, runFuzz } from '../test/helpers/fuzz-run.ts';
import type { FuzzReport } from '../test/helpers/fuzz-run.ts';
import { startServer } from '../test/helpers/server.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: process.env.SOAK_REQUESTS ?? '200000' },
    seed: { type: 'string', default: process.env.SOAK_SEED ?? String(Math.floor(Math.random() * 2 ** 31)) },
    concurrency: { type: 'string', default: '8' },
    'decide-connections': { type: 'string', default: '4' },
  },
});
const requests = Number(values.requests);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
const decideConnections = Number(values['decide-connections']);
for (const [name, n] of Object.entries({ requests, seed, concurrency, decideConnections })) {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name}: not a whole number: ${n}`);
}

console.log(`soak: seed ${seed} (replay: npm run soak -- --seed ${seed} --requests ${requests}), ${requests} fuzz requests, ${concurrency} in flight, ${decideConnections} decide connections`);

// Server settings from the environment (RATE_LIMIT_*, REQUEST_TIMEOUT_MS, ...); by default the
// limits that would answer 429 are off, so every request reaches the code it is aimed at.
const env: Record<string, string> = { RATE_LIMIT_PER_SECOND: '0', RATE_LIMIT_ANON_PER_SECOND: '0' };
for (const [k, v] of Object.entries(process.env)) if (/^(RATE_LIMIT_|REQUEST_TIMEOUT_MS|BODY_LIMIT_BYTES|EVAL_MAX_|SIMULATE_|DECIDE_BATCH_MAX|DECISION_LOG_)/.test(k) && v !== undefined) env[k] = v;
const server = await startServer({ env });
let failed = false;
try {
  const target = await prepareTarget(server);
  const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  const rssBefore = mb();
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort().join();

  // Sustained decide load beside the fuzz, until it ends.
  const decideBody = JSON.stringify(decideBodies().solum!.returns![0]);
  // A key of its own: the fuzz's keys spend their rate limit on hostile requests.
  const key = (await createKey({ db: server.runtime.db }, { actor: 'soak', tenant: 'solum', role: 'decider', name: 'soak decide load' })).secret;
  let load: { instance: autocannon.Instance; result: Promise<autocannon.Result> } | null = null;
  if (decideConnections) {
    let instance!: autocannon.Instance;
    const result = new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(
        {
          url: `${server.url}/v1/policies/returns/decide`,
          method: 'POST',
          connections: decideConnections,
          duration: 24 * 3600,
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: decideBody,
        },
        (err, r) => (err ? reject(err) : resolve(r)),
      );
    });
    load = { instance, result };
  }

  const started = performance.now();
  const progress = (r: FuzzReport) => {
    if (r.sent % 10_000 !== 0) return;
    const s = (performance.now() - started) / 1000;
    console.log(`  ${r.sent} requests, ${s.toFixed(0)} s, ${r.failures.length} failures, rss ${mb()} MB, by status ${JSON.stringify(r.byStatus)}`);
  };
  const report = await runFuzz({ url: server.url, target, seed, count: requests, concurrency, timeoutMs: 30_000, maxFailures: 50, onProgress: progress });
  let decide: autocannon.Result | null = null;
  if (load) {
    load.instance.stop();
    decide = await load.result;
  }

  const health = await server.get('/healthz');
  const after = await server.post('/v1/policies/returns/decide', JSON.parse(decideBody), key);
  const polluted = Object.getOwnPropertyNames(Object.prototype).sort().join() !== prototypeBefore || ({} as Record<string, unknown>).polluted !== undefined;

  console.log('');
  console.log(`fuzz: ${report.sent} requests in ${(report.ms / 1000).toFixed(1)} s (${Math.round(report.sent / (report.ms / 1000))}/s), slowest ${Math.round(report.slowestMs)} ms`);
  console.log(`  by status: ${JSON.stringify(report.byStatus)}`);
  console.log(`  slowest: ${report.slowest.slice(0, 3).map((s) => `${s.ms} ms ${s.request.slice(0, 120)}`).join('\n           ')}`);
  if (decide) {
    const non200 = decide.non2xx;
    console.log(`decide load: ${Math.round(decide.requests.average)} req/s, p50 ${decide.latency.p50} ms, p99 ${decide.latency.p99} ms, ${decide.requests.total} requests, ${non200} not 2xx, ${decide.errors} errors, ${decide.timeouts} timeouts`);
    if (non200 || decide.errors || decide.timeouts) failed = true;
  }
  console.log(`server: rss ${rssBefore} MB before, ${mb()} MB after; /healthz ${health.status}; decide after ${after.status}; Object.prototype ${polluted ? 'POLLUTED' : 'untouched'}`);
  if (health.status !== 200 || after.status !== 200 || polluted) failed = true;
  if (report.failures.length) {
    failed = true;
    console.log(`\n${report.failures.length} failures (seed ${seed}; request i is replay(target, ${seed}, i) in test/helpers/fuzz-run.ts):`);
    for (const f of report.failures) console.log(`  #${f.index}: ${f.problem}\n      ${f.request}`);
  }
  console.log(failed ? '\nsoak: FAILED' : '\nsoak: passed');
} finally {
  await server.close();
}
process.exit(failed ? 1 : 0);
