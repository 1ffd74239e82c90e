/**
 * What the request guards cost a decide: the per-key and per-address rate limits
 * (server/api/rate-limit.ts) and the request timeout (server/api/request-timeout.ts), measured
 * as two server processes over the same database, one with the defaults and one with
 * RATE_LIMIT_PER_SECOND=0, RATE_LIMIT_ANON_PER_SECOND=0 and REQUEST_TIMEOUT_MS=0, driven by
 * bench/http.ts's autocannon load (50 connections, Solum's 35 sample returns) in interleaved
 * pairs (the order flips each round). Per server and round: requests/s and the server's CPU
 * time per request (from /proc). The body checks (the depth and number walk of
 * server/api/body.ts) cannot be switched off, so they are timed in this process on the same
 * bodies, and the guards' own work is timed in this process too (a pair of servers cannot resolve
 * differences under ~3%): the request timeout middleware on a bare Hono app (with and without
 * it, app.request at 50 concurrent, CPU per request) and the three rate-limit calls of an
 * authenticated request (clientAddress, address.empty, key.take). The client-error handler runs only for requests Node's parser refuses: nothing to
 * measure on a valid request.
 *
 * Environment: BENCH_MW_ROUNDS (6), BENCH_MW_SECONDS (4), BENCH_MW_BASE (another checkout: its
 * server, guards on, is measured too, in the same rounds: before/after a change to the guards).
 * `npx tsx bench/middleware-overhead.ts` prints the results as JSON.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { clientAddress, TokenBuckets } from '../server/api/rate-limit.ts';
import { requestTimeout } from '../server/api/request-timeout.ts';
import type { AppEnv } from '../server/api/types.ts';
import { parseConfig } from '../server/config.ts';
import { openStore } from '../server/runtime.ts';
import { createKey } from '../server/services/api-keys.ts';
import { load, solumReturnBodies } from './http.ts';
import type { Req } from './http.ts';
import { startProcess } from './server-process.ts';
import type { BenchProcess } from './server-process.ts';

const ROUNDS = Number(process.env.BENCH_MW_ROUNDS ?? 6);
const SECONDS = Number(process.env.BENCH_MW_SECONDS ?? 4);
const log = (s: string) => process.stderr.write(`[bench/middleware] ${s}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Round { rps: number; cpuUsPerRequest: number; p99: number }
const BASE = process.env.BENCH_MW_BASE;

async function measure(p: BenchProcess, reqs: Req[], label: string): Promise<Round> {
  const cpu0 = procCpuMs(p.pid);
  const r = await load(p.url, reqs, { connections: 50, seconds: SECONDS, label });
  const cpu = procCpuMs(p.pid) - cpu0;
  return { rps: r.rps, cpuUsPerRequest: (cpu * 1000) / (r.rps * SECONDS), p99: r.p99 };
}

/** The body walk of server/api/body.ts, timed on the decide bodies (parsed as the route parses them). */
async function bodyWalk(bodies: string[]): Promise<{ nsPerBody: number; parseNsPerBody: number }> {
  const { outOfBounds } = await import('../server/api/body.ts');
  const parsed = bodies.map((b) => JSON.parse(b) as unknown);
  const n = 200_000;
  for (let i = 0; i < 20_000; i++) outOfBounds(parsed[i % parsed.length]);
  let t = performance.now();
  for (let i = 0; i < n; i++) outOfBounds(parsed[i % parsed.length]);
  const walk = ((performance.now() - t) * 1e6) / n;
  t = performance.now();
  for (let i = 0; i < n; i++) JSON.parse(bodies[i % bodies.length]!);
  const parse = ((performance.now() - t) * 1e6) / n;
  return { nsPerBody: walk, parseNsPerBody: parse };
}

/** The guards' own CPU per request, in this process: the timeout middleware and the rate-limit calls. */
async function guardsInProcess(): Promise<{ timeoutNsPerRequest: number; bareAppNsPerRequest: number; rateLimitNsPerRequest: number }> {
  const app = (timeout: boolean) => {
    const a = new Hono<AppEnv>();
    if (timeout) a.use('*', requestTimeout(30_000));
    a.get('/x', (c) => c.text('ok'));
    return a;
  };
  const apps = { bare: app(false), timeout: app(true) };
  const n = 100_000;
  const cpuNs = async (a: Hono<AppEnv>) => {
    const cpu = process.cpuUsage();
    let i = 0;
    await Promise.all(Array.from({ length: 50 }, async () => {
      while (i++ < n) await (await a.request('/x')).text();
    }));
    const c = process.cpuUsage(cpu);
    return ((c.user + c.system) * 1000) / n;
  };
  const bare: number[] = [];
  const timed: number[] = [];
  for (let round = 0; round < 7; round++) {
    bare.push(await cpuNs(apps.bare));
    timed.push(await cpuNs(apps.timeout));
  }
  const buckets = new TokenBuckets(10_000, 20_000);
  const address = new TokenBuckets(100, 500);
  const c = { env: { incoming: { socket: { remoteAddress: '127.0.0.1' } } } } as unknown as Parameters<typeof clientAddress>[0];
  const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
  const m = 2_000_000;
  const limits = () => {
    for (let i = 0; i < m; i++) {
      address.empty(clientAddress(c));
      buckets.take(keys[i % keys.length]!);
    }
  };
  limits();
  const t = performance.now();
  limits();
  return { bareAppNsPerRequest: median(bare.slice(1)), timeoutNsPerRequest: median(timed.slice(1)) - median(bare.slice(1)), rateLimitNsPerRequest: ((performance.now() - t) * 1e6) / m };
}

export async function runMiddlewareBench() {
  const dir = mkdtempSync(join(tmpdir(), 'policy-bench-'));
  const procs: BenchProcess[] = [];
  try {
    const databaseUrl = `file:${join(dir, 'policy.db')}`;
    const { db } = await openStore(parseConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }));
    const decider = (await createKey({ db }, { actor: 'bench', tenant: 'solum', role: 'decider' })).secret;
    db.close();
    const on = await startProcess({ script: 'server/main.ts', dir, name: 'guards-on', env: { DATABASE_URL: databaseUrl } });
    procs.push(on);
    const off = await startProcess({ script: 'server/main.ts', dir, name: 'guards-off', env: { DATABASE_URL: databaseUrl, RATE_LIMIT_PER_SECOND: '0', RATE_LIMIT_ANON_PER_SECOND: '0', REQUEST_TIMEOUT_MS: '0' } });
    procs.push(off);
    const base = BASE ? await startProcess({ script: 'server/main.ts', dir, name: 'guards-on-base', cwd: BASE, env: { DATABASE_URL: databaseUrl } }) : null;
    if (base) procs.push(base);
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${decider}` };
    const bodies = solumReturnBodies().map((b) => JSON.stringify(b));
    const reqs: Req[] = bodies.map((body) => ({ method: 'POST', path: '/v1/policies/returns/decide', headers, body }));
    log('warm-up');
    const servers: Array<[string, BenchProcess]> = [['on', on], ['off', off], ...(base ? [['base', base] as [string, BenchProcess]] : [])];
    for (const [name, p] of servers) await load(p.url, reqs, { connections: 50, seconds: 3, label: `${name} warm-up` });
    const rounds: Array<Record<string, Round>> = [];
    for (let i = 0; i < ROUNDS; i++) {
      // The order turns each round, so no server is always first.
      const round: Record<string, Round> = {};
      for (let j = 0; j < servers.length; j++) {
        const [name, p] = servers[(i + j) % servers.length]!;
        round[name] = await measure(p, reqs, name);
      }
      rounds.push(round);
      log(`  round ${i + 1}: ${Object.entries(round).map(([n, r]) => `${n} ${Math.round(r.rps)}/s ${r.cpuUsPerRequest.toFixed(1)} µs CPU/req`).join('; ')}`);
    }
    const summary = (name: string) => ({ rps: median(rounds.map((r) => r[name]!.rps)), cpuUsPerRequest: median(rounds.map((r) => r[name]!.cpuUsPerRequest)), p99: median(rounds.map((r) => r[name]!.p99)) });
    const walk = await bodyWalk(bodies);
    const guards = await guardsInProcess();
    return {
      rounds: ROUNDS,
      seconds: SECONDS,
      on: summary('on'),
      off: summary('off'),
      /** Medians of each round's on/off ratio (the servers share the round's noise). */
      rpsRatio: median(rounds.map((r) => r.on!.rps / r.off!.rps)),
      cpuRatio: median(rounds.map((r) => r.on!.cpuUsPerRequest / r.off!.cpuUsPerRequest)),
      ...(base ? { base: summary('base'), baseRpsRatio: median(rounds.map((r) => r.base!.rps / r.off!.rps)), baseCpuRatio: median(rounds.map((r) => r.base!.cpuUsPerRequest / r.off!.cpuUsPerRequest)) } : {}),
      bodyWalk: walk,
      inProcess: guards,
      each: rounds,
    };
  } finally {
    await Promise.allSettled(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  console.log(JSON.stringify(await runMiddlewareBench(), null, 2));
}
