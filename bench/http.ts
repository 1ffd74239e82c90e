/**
 * HTTP benchmarks against real server processes on 127.0.0.1, each over a fresh database file
 * (seeded as on a first start), driven by autocannon from this process:
 *
 *   decide       POST /v1/policies/returns/decide with Solum's sample returns (key auth,
 *                input validation, version lookup, decision log on, trace off), against a plain
 *                Hono JSON echo route (bench/echo-server.ts) started the same way: requests/s
 *                and p50/p99 at 50 connections, rounds interleaved, median of the rounds;
 *   batch        POST .../decide/batch with 100 requests each: decisions/s;
 *   propagation  publish + activation through process A until process B decides with the new
 *                version (B decides in a loop meanwhile): milliseconds, median of several;
 *   scale        1,000 generated tenants × 7 policies (bench/seed-tenants.ts), every one decided
 *                once so all are loaded, against 1 tenant with the same 7: decide latency at 50
 *                connections over the same request mix, and the server's RSS.
 *
 * Environment: BENCH_HTTP_ROUNDS (5), BENCH_HTTP_SECONDS (5, per round and server),
 * BENCH_SCALE_TENANTS (1000), BENCH_SCALE_DISTINCT (250, to keep the run short; 0 leaves that variant out), BENCH_SERVER_ENV (extra server settings, "A=1,B=2"),
 * BENCH_HTTP_ONLY (a comma-separated subset of decide,batch,propagation,scale).
 * `npx tsx bench/http.ts` runs them alone and prints the results as JSON.
 */
import autocannon from 'autocannon';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyDir } from '../server/catalog/policy-files.ts';
import { parseConfig } from '../server/config.ts';
import { openStore } from '../server/runtime.ts';
import { createKey } from '../server/services/api-keys.ts';
import { openDatabase } from '../server/store/client.ts';
import { migrate } from '../server/store/migrate.ts';
import { startFlags, startProcess } from './server-process.ts';
import type { BenchProcess } from './server-process.ts';
import { benchPolicies, seedTenants } from './seed-tenants.ts';

const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const SCALE_TENANTS = Number(process.env.BENCH_SCALE_TENANTS ?? 1000);
const SCALE_DISTINCT = Number(process.env.BENCH_SCALE_DISTINCT ?? 250);
// Scale: more, shorter rounds, so that each pair of runs meets the same noise.
const SCALE_ROUNDS = 2 * ROUNDS;
const SCALE_SECONDS = Math.max(1, Math.round(SECONDS / 2));
const CONNECTIONS = 50;
const BATCH_CONNECTIONS = 10;
const BATCH_SIZE = 100;
const PROPAGATION_ROUNDS = 7;
const ONLY = new Set((process.env.BENCH_HTTP_ONLY ?? 'decide,batch,propagation,scale').split(','));
const serverEnv: Record<string, string> = Object.fromEntries(
  (process.env.BENCH_SERVER_ENV ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]),
);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const log = (s: string) => process.stderr.write(`[bench/http] ${s}\n`);

export type Req = { method: 'POST'; path: string; headers: Record<string, string>; body: string };

export interface Load {
  rps: number;
  /** Mean latency, ms (autocannon's percentiles are whole milliseconds). */
  mean: number;
  p50: number;
  p99: number;
}

/**
 * One autocannon run; fails on any error or unexpected status. Up to 100 requests are given
 * to autocannon as they are (each connection cycles through them); a longer list (the scale
 * mix: every tenant and policy) is dealt out in turn to all connections, request by request,
 * since autocannon would otherwise pre-build the whole list for every connection.
 */
export async function load(url: string, requests: Req[], options: { connections: number; seconds: number; label: string }): Promise<Load> {
  let next = 0;
  const deal = [{ setupRequest: (r: autocannon.Request) => Object.assign(r, requests[next++ % requests.length]) }] as autocannon.Request[];
  const r = await autocannon({ url, connections: options.connections, duration: options.seconds, requests: requests.length > Number(process.env.BENCH_DEAL_OVER ?? 100) ? deal : requests });
  if (r.errors || r.non2xx || r.timeouts) throw new Error(`${options.label}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers`);
  return { rps: r.requests.total / r.duration, mean: r.latency.mean, p50: r.latency.p50, p99: r.latency.p99 };
}

function summarize(runs: Load[]): Load {
  return { rps: median(runs.map((r) => r.rps)), mean: median(runs.map((r) => r.mean)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)) };
}

async function post(url: string, path: string, key: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

function sampleFiles(tenant: string): Array<{ at: string; order: unknown; requests: Record<string, unknown> }> {
  const dir = new URL(`../policies/${tenant}/samples/`, import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')));
}

/** Decide bodies of Solum's returns samples (35 realistic returns, at their own instants). */
export function solumReturnBodies(): Array<{ input: unknown; at: string }> {
  return sampleFiles('solum')
    .filter((s) => s.requests.returns !== undefined)
    .map((s) => ({ input: { order: s.order, request: s.requests.returns }, at: s.at }));
}

export interface HttpResults {
  /** ratio: the median of each round's decide/echo requests/s (the pair shares the round's noise). */
  decide?: { decide: Load; echo: Load; ratio: number };
  batch?: { decisionsPerSec: number; requestP50: number; requestP99: number };
  propagation?: { propagationMs: number[]; publishMs: number[] };
  scale?: ScaleResults;
  rounds: number;
  seconds: number;
}

export interface ScaleResults {
  variants: Array<{ name: 'one' | 'clones' | 'params' | 'distinct'; tenants: number; distinct: boolean; params: boolean; seedSeconds: number; loadSeconds: number; rssLoaded: number; rssPeak: number; rssAfter: number; load: Load; meanRatio: number; commitMs: number; commitsOver10ms: number }>;
}

type Start = (name: string, script: string, env?: Record<string, string>) => Promise<BenchProcess>;

export async function runHttpBench(): Promise<HttpResults> {
  const dir = mkdtempSync(join(tmpdir(), 'policy-bench-'));
  const procs: BenchProcess[] = [];
  const start: Start = async (name, script, env = {}) => {
    const p = await startProcess({ script, dir, name, env: { ...serverEnv, ...env } });
    procs.push(p);
    return p;
  };
  const results: HttpResults = { rounds: ROUNDS, seconds: SECONDS };
  try {
    const databaseUrl = `file:${join(dir, 'policy.db')}`;
    const { db } = await openStore(parseConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }));
    const decider = (await createKey({ db }, { actor: 'bench', tenant: 'solum', role: 'decider' })).secret;
    const admin = (await createKey({ db }, { actor: 'bench', tenant: 'solum', role: 'admin' })).secret;
    db.close();

    const service = await start('service', 'server/main.ts', { DATABASE_URL: databaseUrl });
    const bodies = solumReturnBodies();
    for (const [i, b] of bodies.entries()) {
      const res = await post(service.url, '/v1/policies/returns/decide', decider, b);
      if (res.status !== 200) throw new Error(`sample ${i} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${decider}` };

    if (ONLY.has('decide')) {
      const echo = await start('echo', 'bench/echo-server.ts');
      const decideReqs: Req[] = bodies.map((b) => ({ method: 'POST', path: '/v1/policies/returns/decide', headers, body: JSON.stringify(b) }));
      const echoReqs: Req[] = bodies.map((b) => ({ method: 'POST', path: '/echo', headers, body: JSON.stringify(b) }));
      log(`decide vs echo: warm-up, then ${ROUNDS} rounds of ${SECONDS} s each`);
      await load(echo.url, echoReqs, { connections: CONNECTIONS, seconds: 3, label: 'echo warm-up' });
      await load(service.url, decideReqs, { connections: CONNECTIONS, seconds: 3, label: 'decide warm-up' });
      const decideRuns: Load[] = [];
      const echoRuns: Load[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        echoRuns.push(await load(echo.url, echoReqs, { connections: CONNECTIONS, seconds: SECONDS, label: 'echo' }));
        decideRuns.push(await load(service.url, decideReqs, { connections: CONNECTIONS, seconds: SECONDS, label: 'decide' }));
        log(`  round ${i + 1}: echo ${fmt(echoRuns[i]!.rps)}/s p50 ${echoRuns[i]!.p50} p99 ${echoRuns[i]!.p99} ms; decide ${fmt(decideRuns[i]!.rps)}/s p50 ${decideRuns[i]!.p50} p99 ${decideRuns[i]!.p99} ms`);
      }
      await echo.stop();
      results.decide = { decide: summarize(decideRuns), echo: summarize(echoRuns), ratio: median(decideRuns.map((d, i) => d.rps / echoRuns[i]!.rps)) };
    }

    if (ONLY.has('batch')) {
      const batchReqs: Req[] = bodies.map((_, i) => ({
        method: 'POST',
        path: '/v1/policies/returns/decide/batch',
        headers,
        body: JSON.stringify({ requests: Array.from({ length: BATCH_SIZE }, (_, j) => bodies[(i + j) % bodies.length]) }),
      }));
      log(`batch: ${ROUNDS} rounds`);
      await load(service.url, batchReqs, { connections: BATCH_CONNECTIONS, seconds: 2, label: 'batch warm-up' });
      const batchRuns: Load[] = [];
      for (let i = 0; i < ROUNDS; i++) batchRuns.push(await load(service.url, batchReqs, { connections: BATCH_CONNECTIONS, seconds: SECONDS, label: 'batch' }));
      const batch = summarize(batchRuns);
      log(`  batch: ${fmt(batch.rps * BATCH_SIZE)} decisions/s, request p50 ${batch.p50} ms`);
      results.batch = { decisionsPerSec: batch.rps * BATCH_SIZE, requestP50: batch.p50, requestP99: batch.p99 };
    }

    if (ONLY.has('propagation')) {
      log('propagation: publish + activation through A, decide on B');
      const second = await start('service-b', 'server/main.ts', { DATABASE_URL: databaseUrl });
      results.propagation = await propagation(service, second, admin, decider);
      log(`  propagation ms: ${results.propagation.propagationMs.map((x) => x.toFixed(0)).join(', ')}`);
      await second.stop();
    }
    await service.stop();

    if (ONLY.has('scale')) results.scale = await scaleBench(dir, start);
    return results;
  } finally {
    await Promise.allSettled(procs.map((p) => p.stop()));
    if (process.env.BENCH_KEEP) log(`kept ${dir} (server logs and databases)`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each round: a new draft of solum/returns (its description changed) on A; B decides (so it has
 * the current version cached); then the clock starts, A publishes with `activate: {}` (from
 * now, open-ended), and B decides in a loop until the answer names the new version.
 */
async function propagation(a: BenchProcess, b: BenchProcess, admin: string, decider: string): Promise<{ propagationMs: number[]; publishMs: number[] }> {
  const source = loadPolicyDir().tenants.find((t) => t.tenant === 'solum')!.policies.find((p) => p.key === 'returns')!;
  const document = source.versions[0]!.document as Record<string, unknown>;
  const input = solumReturnBodies()[0]!.input;
  const decideOnB = async () => {
    const res = await post(b.url, '/v1/policies/returns/decide', decider, { input });
    if (res.status !== 200) throw new Error(`decide on B answered ${res.status}`);
    return res.body.version as number;
  };
  const propagationMs: number[] = [];
  const publishMs: number[] = [];
  for (let i = 0; i < PROPAGATION_ROUNDS; i++) {
    const doc = { ...document, description: `${String(document.description)} (benchmark round ${i + 1})` };
    const put = await fetch(`${a.url}/v1/policies/returns/draft`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json', 'If-None-Match': '*' },
      body: JSON.stringify({ document: doc }),
    });
    await put.arrayBuffer();
    if (put.status !== 201) throw new Error(`draft answered ${put.status}`);
    const before = await decideOnB();
    const started = performance.now();
    const published = await post(a.url, '/v1/policies/returns/draft/publish', admin, { reason: `benchmark round ${i + 1}`, activate: {} }, { 'If-Match': put.headers.get('etag')! });
    publishMs.push(performance.now() - started);
    if (published.status !== 201) throw new Error(`publish answered ${published.status}: ${JSON.stringify(published.body)}`);
    const version = published.body.version.version as number;
    if (version === before) throw new Error('publish did not make a new version');
    for (;;) {
      if ((await decideOnB()) === version) break;
      if (performance.now() - started > 10_000) throw new Error(`version ${version} not in force on B after 10 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
    propagationMs.push(performance.now() - started);
    // Spread the rounds over the poll period instead of always starting right after a poll.
    await new Promise((r) => setTimeout(r, 37 + i * 29));
  }
  return { propagationMs, publishMs };
}

async function scaleBench(dir: string, start: Start): Promise<ScaleResults> {
  const policies = benchPolicies();
  // Every (policy, body) the samples give, policy by policy.
  const samples = [...sampleFiles('solum').map((s) => ({ tenant: 'solum', s })), ...sampleFiles('soom').map((s) => ({ tenant: 'soom', s }))];
  const byPolicy = policies.map((p) => ({
    key: p.key,
    bodies: samples
      .filter(({ tenant, s }) => tenant === p.from.tenant && s.requests[p.from.key] !== undefined)
      .map(({ s }) => JSON.stringify({ input: { order: s.order, request: s.requests[p.from.key] }, at: s.at })),
  }));

  // The same request mix for all: request j decides policy j mod 7 with that policy's samples
  // in turn, as tenant j mod N (the one tenant, for "one"): every tenant and policy in turn.
  const mix = (keys: string[]): Req[] =>
    Array.from({ length: Math.max(SCALE_TENANTS, SCALE_DISTINCT, 1) * byPolicy.length }, (_, j) => {
      const p = byPolicy[j % byPolicy.length]!;
      return {
        method: 'POST' as const,
        path: `/v1/policies/${p.key}/decide`,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${keys[j % keys.length]}` },
        body: p.bodies[Math.floor(j / byPolicy.length) % p.bodies.length]!,
      };
    });
  /** Every tenant's every policy decided once, 8 at a time: all of them loaded. */
  const warm = async (url: string, keys: string[]) => {
    const reqs = mix(keys).slice(0, keys.length * byPolicy.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < reqs.length) {
          const r = reqs[next++]!;
          const res = await fetch(`${url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`scale warm-up: ${r.path} answered ${res.status}`);
        }
      }),
    );
  };

  const variants: ScaleVariant[] = [];
  for (const [name, count, distinct, params] of [['one', 1, false, false], ['clones', SCALE_TENANTS, false, false], ['params', SCALE_TENANTS, false, true], ['distinct', SCALE_DISTINCT, true, false]] as const) {
    if (count < 1) continue;
    const databaseUrl = `file:${join(dir, `scale-${name}.db`)}`;
    const db = await openDatabase({ databaseUrl });
    await migrate(db);
    let started = performance.now();
    const tenants = await seedTenants(db, count, { distinct, params });
    const seedSeconds = (performance.now() - started) / 1000;
    db.close();
    const proc = await start(`scale-${name}`, 'server/main.ts', { DATABASE_URL: databaseUrl });
    const keys = tenants.map((t) => t.key);
    started = performance.now();
    await warm(proc.url, keys);
    const loadSeconds = (performance.now() - started) / 1000;
    const rssLoaded = proc.rssMiB();
    log(`scale ${name}: ${count} tenant(s) seeded in ${seedSeconds.toFixed(1)} s, all ${count * byPolicy.length} policies loaded in ${loadSeconds.toFixed(1)} s, RSS ${rssLoaded.toFixed(0)} MiB`);
    variants.push({ name, tenants: count, distinct, params, seedSeconds, loadSeconds, rssLoaded, rssPeak: rssLoaded, runs: [], proc, reqs: mix(keys) });
  }
  for (const v of variants) await load(v.proc.url, v.reqs, { connections: CONNECTIONS, seconds: 2, label: `scale ${v.name} warm-up` });
  const sampler = setInterval(() => {
    for (const v of variants) v.rssPeak = Math.max(v.rssPeak, v.proc.rssMiB());
  }, 200);
  try {
    for (let i = 0; i < SCALE_ROUNDS; i++) {
      for (const v of variants) v.runs.push(await load(v.proc.url, v.reqs, { connections: CONNECTIONS, seconds: SCALE_SECONDS, label: `scale ${v.name}` }));
      log(`  round ${i + 1}: ${variants.map((v) => `${v.name} mean ${v.runs[i]!.mean.toFixed(1)} p99 ${v.runs[i]!.p99} ms ${fmt(v.runs[i]!.rps)}/s`).join('; ')}`);
    }
  } finally {
    clearInterval(sampler);
  }
  // The decision log's commits in each server over the whole run (from its /metrics).
  const commits = new Map<string, { mean: number; over10ms: number }>();
  for (const v of variants) {
    const text = await (await fetch(`${v.proc.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const count = value('policy_decision_log_flush_seconds_count');
    const within10 = value('policy_decision_log_flush_seconds_bucket\\{le="0.01"\\}');
    commits.set(v.name, { mean: (value('policy_decision_log_flush_seconds_sum') / count) * 1000, over10ms: 1 - within10 / count });
  }
  const oneRuns = variants.find((v) => v.name === 'one')?.runs;
  const out = variants.map(({ proc, reqs: _reqs, runs, ...v }) => ({
    ...v,
    load: summarize(runs),
    // Round by round against the one-tenant run just before it: the noise they share cancels.
    meanRatio: oneRuns ? median(runs.map((r, i) => r.mean / oneRuns[i]!.mean)) : 1,
    commitMs: commits.get(v.name)?.mean ?? Number.NaN,
    commitsOver10ms: commits.get(v.name)?.over10ms ?? Number.NaN,
    rssAfter: proc.rssMiB(),
  }));
  for (const v of variants) await v.proc.stop();
  return { variants: out };
}

interface ScaleVariant {
  name: 'one' | 'clones' | 'params' | 'distinct';
  tenants: number;
  distinct: boolean;
  params: boolean;
  seedSeconds: number;
  loadSeconds: number;
  rssLoaded: number;
  rssPeak: number;
  runs: Load[];
  proc: BenchProcess;
  reqs: Req[];
}

const mib = (n: number) => `${Math.round(n)} MiB`;

/** What a scale variant's tenants have, in the words of its table rows. */
function describeVariant(v: { distinct: boolean; params: boolean }): string {
  if (v.distinct) return "each tenant's documents with logic of their own (a derived value each)";
  if (v.params) return "each tenant's documents its own, with params of their own (one template, logic shared)";
  return 'the seed documents (shared content hashes)';
}
const verdict = (met: boolean) => (met ? 'met' : '**missed**');

/** The HTTP sections of BENCHMARKS.md: figures, the issue's targets with their verdicts, and bench/http-findings.md. */
export function httpSection(r: HttpResults): string[] {
  const out = [
    '## HTTP: decide, batch, propagation, scale (bench/http.ts)',
    '',
    `Real server processes on 127.0.0.1, each over a fresh database file, started as \`npm start\` starts the service (\`${['node', ...startFlags(), '--import tsx server/main.ts'].join(' ')}\`, default settings: \`LOG_LEVEL=info\`, one JSON line per request to a log file); the echo baseline (bench/echo-server.ts: Hono on @hono/node-server, one route parsing the JSON body and answering it) is started the same way. autocannon runs in the benchmark process on the same machine, ${CONNECTIONS} connections; rounds of ${r.seconds} s, interleaved (echo, decide, echo, ...), medians of ${r.rounds}; the ratio is the median of each round's decide/echo ratio. Decide bodies: Solum's ${solumReturnBodies().length} sample returns, each at its own \`at\` (so both versions decide), trace off, a decider key.`,
    '',
    '| figure | req/s | p50 ms | p99 ms | baseline | baseline req/s | baseline p50 / p99 ms | ratio |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ];
  if (r.decide) {
    const { decide, echo, ratio } = r.decide;
    out.push(`| POST /v1/policies/returns/decide (key auth, input validation, version lookup, decision log on, trace off) | ${fmt(decide.rps)} | ${decide.p50} | ${decide.p99} | Hono JSON echo, same stack | ${fmt(echo.rps)} | ${echo.p50} / ${echo.p99} | ${ratio.toFixed(2)}× |`);
  }
  if (r.batch) {
    out.push(`| POST .../decide/batch, ${BATCH_SIZE} decisions a request, ${BATCH_CONNECTIONS} connections: **${fmt(r.batch.decisionsPerSec)} decisions/s** | ${fmt(r.batch.decisionsPerSec / BATCH_SIZE)} | ${r.batch.requestP50} | ${r.batch.requestP99} | single decides (above), decisions/s | ${r.decide ? fmt(r.decide.decide.rps) : ''} | | ${r.decide ? `${(r.batch.decisionsPerSec / r.decide.decide.rps).toFixed(2)}×` : ''} |`);
  }
  const one = r.scale?.variants.find((v) => v.name === 'one');
  for (const v of r.scale?.variants ?? []) {
    if (v.name === 'one' || !one) continue;
    const what = `${fmt(v.tenants)} tenants × 7 policies, ${describeVariant(v)}`;
    out.push(`| decide, every tenant and policy in turn: ${what} | ${fmt(v.load.rps)} | ${v.load.p50} | ${v.load.p99} | 1 tenant × 7 policies, same request mix | ${fmt(one.load.rps)} | ${one.load.p50} / ${one.load.p99} | mean latency ${v.meanRatio.toFixed(2)}× (median of the rounds' ratios; medians ${v.load.mean.toFixed(2)} vs ${one.load.mean.toFixed(2)} ms) |`);
  }
  out.push('');
  if (r.scale) {
    out.push(`Scale: ${SCALE_ROUNDS} interleaved rounds of ${SCALE_SECONDS} s (1 tenant, then each other variant), medians; latency compared by its mean (autocannon's percentiles are whole milliseconds), as the median of each round's ratio to the 1-tenant run just before it; each load spreads its requests over every tenant and policy in turn, and every one of them was decided once before (loaded: compiled and cached).`, '');
    out.push('| scale: server process | tenants × policies | seeded in | all loaded (one decide each) in | RSS loaded | RSS peak under load | RSS after | decision-log commit: mean, share over 10 ms |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const v of r.scale.variants) {
      out.push(`| ${v.name === 'one' ? '1 tenant' : `tenants: ${describeVariant(v)}`} | ${fmt(v.tenants)} × 7 | ${v.seedSeconds.toFixed(1)} s | ${v.loadSeconds.toFixed(1)} s | ${mib(v.rssLoaded)} | ${mib(v.rssPeak)} | ${mib(v.rssAfter)} | ${v.commitMs.toFixed(2)} ms, ${(v.commitsOver10ms * 100).toFixed(1)}% |`);
    }
    out.push('');
  }
  if (r.propagation) {
    const p = r.propagation.propagationMs;
    out.push(`Propagation (${p.length} rounds): from sending a publish with \`activate: {}\` to process A until process B (same database file, polling decides every 2 ms) answers with the new version: median **${Math.round(median(p))} ms** (min ${Math.round(Math.min(...p))}, max ${Math.round(Math.max(...p))}); the publish itself answered in a median ${Math.round(median(r.propagation.publishMs))} ms. CHANGE_POLL_MS is 200.`, '');
  }

  // The issue's targets, measured above.
  out.push('### HTTP targets (issue 6)', '', '| target | measured | verdict |', '| --- | --- | --- |');
  if (r.decide) {
    const ratio = r.decide.ratio;
    out.push(`| decide ≥ 0.7× the echo route's requests/s | ${ratio.toFixed(2)}× (round by round; medians ${fmt(r.decide.decide.rps)} vs ${fmt(r.decide.echo.rps)} req/s) | ${verdict(ratio >= 0.7)}${ratio >= 0.7 ? '' : `: ${(0.7 / ratio).toFixed(1)}× short (${fmt(0.7 * r.decide.echo.rps)} req/s needed)`} |`);
    const p99 = r.decide.decide.p99;
    out.push(`| decide p99 < 10 ms at ${CONNECTIONS} connections | ${p99} ms | ${verdict(p99 < 10)}${p99 < 10 ? '' : `: ${(p99 / 10).toFixed(1)}× over`} |`);
  }
  if (r.propagation) {
    const worst = Math.max(...r.propagation.propagationMs);
    out.push(`| propagation of a publish to a second process < 1 s | median ${Math.round(median(r.propagation.propagationMs))} ms, worst ${Math.round(worst)} ms | ${verdict(worst < 1000)} |`);
  }
  for (const v of r.scale?.variants ?? []) {
    if (v.name === 'one' || !one) continue;
    const label = v.distinct ? 'own logic' : v.params ? 'own params' : 'seed documents';
    const lat = v.meanRatio;
    out.push(`| ${fmt(v.tenants)} tenants (${label}): decide latency ≤ 1.1× one tenant's | mean latency ${lat.toFixed(2)}× (round by round; medians ${v.load.mean.toFixed(2)} vs ${one.load.mean.toFixed(2)} ms); p99 ${v.load.p99} vs ${one.load.p99} ms | ${verdict(lat <= 1.1)}${lat <= 1.1 ? '' : `: ${lat.toFixed(2)}×`} |`);
    const rss = Math.max(v.rssPeak, v.rssAfter);
    const rssOne = Math.max(one.rssPeak, one.rssAfter);
    // Fewer than 1,000 tenants measured: the per-tenant increment, extrapolated to 1,000.
    const at1000 = v.tenants >= 1000 ? rss : rssOne + ((rss - rssOne) / (v.tenants - 1)) * 999;
    const extrapolated = v.tenants >= 1000 ? '' : `; ${((rss - rssOne) / (v.tenants - 1)).toFixed(2)} MiB a tenant, so ≈ ${mib(at1000)} at 1,000`;
    out.push(`| ${fmt(v.tenants)} tenants (${label}): RSS < 400 MB | ${mib(rss)} (1 tenant: ${mib(rssOne)})${extrapolated} | ${verdict(at1000 * 1.048576 < 400)}${at1000 * 1.048576 < 400 ? '' : `: ${((at1000 * 1.048576) / 400).toFixed(1)}× over${v.tenants >= 1000 ? '' : ' at 1,000'}`} |`);
  }
  out.push('');
  const findings = new URL('./http-findings.md', import.meta.url);
  if (existsSync(findings)) out.push(readFileSync(findings, 'utf8').trimEnd(), '');
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runHttpBench();
  console.log(JSON.stringify(results, null, 2));
  console.log(httpSection(results).join('\n'));
}
