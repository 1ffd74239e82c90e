/**
 * Where a decide's time goes: starts the service as bench/http.ts does (fresh database, Solum's
 * sample returns), loads it with autocannon at 50 connections, and prints requests/s, p50/p99,
 * the server's CPU time per request (from /proc: steadier than requests/s on a shared machine)
 * and, with --cpu-prof, the V8 CPU profile of the server summarised by function and by file.
 *
 *   npx tsx bench/profile-decide.ts [--cpu-prof] [--seconds 10] [--path decide|echo|batch] [--script <server entry>]
 *   BENCH_SERVER_ENV="LOG_LEVEL=warn" npx tsx bench/profile-decide.ts
 *   BENCH_NODE_ARGS="--max-semi-space-size=32" npx tsx bench/profile-decide.ts   (Node flags, after the start script's)
 *
 * Not part of `npm run bench`: a tool for the one who optimises.
 */
import autocannon from 'autocannon';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../server/config.ts';
import { openStore } from '../server/runtime.ts';
import { createKey } from '../server/services/api-keys.ts';
import { root, startProcess } from './server-process.ts';


/** CPU milliseconds of each thread of a process, by thread name and id (/proc/<pid>/task/<tid>/comm). */
export function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // Worker threads are all called "node": each is kept apart by its thread id.
      const key = tid === String(pid) ? `${name} (main)` : `${name}#${tid}`;
      out.set(key, (out.get(key) ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** utime + stime of a process, in milliseconds. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks: 100 Hz on Linux
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/**
 * Self time by function and by file, and inclusive time by function, over the samples of the
 * last `lastSeconds` of the profile (the load; start-up is left out).
 */
export function summariseProfile(file: string, top: number, lastSeconds = Number.POSITIVE_INFINITY): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; endTime: number; startTime: number };
  const self = new Map<number, number>();
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  const from = profile.endTime - lastSeconds * 1e6;
  for (let i = 0; i < profile.samples.length; i++) {
    if (times[i]! < from) continue;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const short = (url: string) => url.replace(`file://${root}`, '').replace(/^node:/, 'node:');
  const fnKey = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const fileKey = (n: ProfileNode) => {
    const url = short(n.callFrame.url);
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return `node_modules/${m[1]}`;
    return url || `(${n.callFrame.functionName || 'native'})`;
  };
  const add = (map: Map<string, number>, key: string, v: number) => map.set(key, (map.get(key) ?? 0) + v);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byNode.get(id)!;
    add(fns, fnKey(n), t);
    add(files, fileKey(n), t);
  }
  // Inclusive time of every function (counted once per sample even when recursive).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = fnKey(byNode.get(cur)!);
      if (!seen.has(k)) {
        seen.add(k);
        add(inclusive, k, t);
      }
    }
  }
  const areas = new Map<string, number>();
  for (const [id, t] of self) add(areas, areaOf(byNode.get(id)!), t);
  const pct = (v: number) => `${((v / total) * 100).toFixed(1).padStart(5)}%`;
  const list = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${pct(v)}  ${k}`);
  return [
    `profile ${file}: ${(total / 1000).toFixed(0)} ms sampled`,
    'self time by area:',
    ...list(areas, 20),
    'self time by file or package:',
    ...list(files, 25),
    'self time by function:',
    ...list(fns, top),
    'inclusive time by function:',
    ...list(inclusive, top),
  ];
}

/** What part of serving a decide a profile frame belongs to (by its file, package or native name). */
function areaOf(n: ProfileNode): string {
  const url = n.callFrame.url;
  const fn = n.callFrame.functionName;
  if (fn === '(idle)') return 'idle (waiting for I/O: the load generator, the decision log commit)';
  if (fn === '(garbage collector)') return 'garbage collector';
  if (fn === '(program)') return 'V8/native, unattributed';
  if (/server\/engine\/|policy-[a-z]+\.generated\.js|^validate\d+$/.test(url) || /^validate\d+$/.test(fn)) return 'engine (input validation, evaluation)';
  if (/server\/store\/|server\/decisions\/log-writer|server\/decisions\/ids|node_modules\/(libsql|@libsql|ulid)/.test(url) || fn === 'postMessage' || /node:internal\/worker/.test(url)) return 'decision log (records, ids, hand-off to the writer thread)';
  if (/node_modules\/(pino|sonic-boom|@pinojs)|server\/api\/request-log/.test(url) || fn === 'writeString') return 'request log (pino, its write to stdout)';
  if (/node_modules\/(prom-client|@hono\/prometheus)/.test(url)) return 'metrics (prom-client)';
  if (/server\/api\/auth|server\/services\/(authenticator|api-keys|roles)|node:internal\/crypto/.test(url)) return 'authentication (key cache, sha256)';
  if (/server\/api\/body|node_modules\/ajv/.test(url) || (fn === 'parse' && !url)) return 'body (read, JSON.parse, envelope schema)';
  if (/server\/services\/|server\/decisions\/answer|server\/api\/routes|server\/api\/route-spec/.test(url)) return 'decide service (policy cache, version lookup, answer)';
  if (/node_modules\/(hono|@hono\/node-server)|node:_http|node:net|node:internal\/(streams|stream_base|http|deps\/undici|webstreams|url|abort)|node:events|node:stream/.test(url) || fn === 'writev' || fn === 'stringify') return 'HTTP (node:http, Hono, @hono/node-server, JSON answer)';
  return `other (${fn || 'anonymous'}${url ? ` ${url.replace(`file://${root}`, '')}` : ''})`.slice(0, 80);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      'cpu-prof': { type: 'boolean', default: false },
      seconds: { type: 'string', default: '10' },
      path: { type: 'string', default: 'decide' },
      connections: { type: 'string', default: '50' },
      top: { type: 'string', default: '40' },
      // Another checkout (a copy of an older commit) to start the server from, for A/B runs.
      root: { type: 'string' },
      // The server's entry (e.g. a prebuilt bundle, or another echo server with --path echo); default server/main.ts.
      script: { type: 'string' },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'policy-profile-'));
  const profDir = join(dir, 'prof');
  const databaseUrl = `file:${join(dir, 'policy.db')}`;
  const { db } = await openStore(parseConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }));
  const decider = (await createKey({ db }, { actor: 'bench', tenant: 'solum', role: 'decider' })).secret;
  db.close();
  const env: Record<string, string> = Object.fromEntries(
    (process.env.BENCH_SERVER_ENV ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]),
  );
  const echo = values.path === 'echo';
  const server = await startProcess({
    script: values.script ?? (echo ? 'bench/echo-server.ts' : 'server/main.ts'),
    dir,
    name: 'server',
    env: { DATABASE_URL: databaseUrl, ...env },
    nodeArgs: [...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    ...(values.root ? { cwd: values.root } : {}),
  });
  const samplesDir = new URL('../policies/solum/samples/', import.meta.url);
  const bodies = readdirSync(samplesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, samplesDir), 'utf8')))
    .map((s) => ({ input: { order: s.order, request: s.requests.returns }, at: s.at }));
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${decider}` };
  const path = echo ? '/echo' : values.path === 'batch' ? '/v1/policies/returns/decide/batch' : '/v1/policies/returns/decide';
  const requests = bodies.map((b, i) => ({
    method: 'POST' as const,
    path,
    headers,
    body: JSON.stringify(values.path === 'batch' ? { requests: Array.from({ length: 100 }, (_, j) => bodies[(i + j) % bodies.length]) } : b),
  }));
  const connections = Number(values.connections);
  await autocannon({ url: server.url, connections, duration: 3, requests });
  const cpu0 = cpuMs(server.pid);
  const threads0 = threadCpuMs(server.pid);
  const self0 = process.cpuUsage();
  const r = await autocannon({ url: server.url, connections, duration: Number(values.seconds), requests });
  const cpu = cpuMs(server.pid) - cpu0;
  const threads1 = threadCpuMs(server.pid);
  const self = process.cpuUsage(self0);
  const count = r.requests.total;
  const perThread = [...threads1].map(([k, v]) => [k, v - (threads0.get(k) ?? 0)] as const).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  console.log(`server CPU by thread, µs/request: ${perThread.map(([k, v]) => `${k} ${((v / count) * 1000).toFixed(0)}`).join(', ')}; load generator (this process) ${(((self.user + self.system) / 1000 / count) * 1000).toFixed(0)} µs/request`);
  console.log(`${path}: ${Math.round(count / r.duration)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}; server CPU ${((cpu / count) * 1000).toFixed(0)} µs/request (${((cpu / (r.duration * 1000)) * 100).toFixed(0)}% of a core)`);
  if (!echo) {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
    const flushes = value('policy_decision_log_flush_batch_size_count');
    console.log(`decision log: ${flushes} transactions, mean ${(value('policy_decision_log_flush_batch_size_sum') / flushes).toFixed(1)} decisions each, mean commit ${((value('policy_decision_log_flush_seconds_sum') / flushes) * 1000).toFixed(2)} ms`);
    // p99 follows the slow commits (each holds its whole group): their share, beside the tail.
    const over = (seconds: string) => ((1 - value(`policy_decision_log_flush_seconds_bucket\\{le="${seconds}"\\}`) / flushes) * 100).toFixed(1);
    console.log(`commits over 5 ms ${over('0.005')}%, over 10 ms ${over('0.01')}%; latency p90 ${r.latency.p90} ms, p97.5 ${r.latency.p97_5} ms, p99 ${r.latency.p99} ms`);
  }
  await server.stop();
  if (values['cpu-prof']) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) console.log(summariseProfile(join(profDir, file), Number(values.top), r.duration - 0.2).join('\n'));
  }
  if (process.env.BENCH_KEEP) console.log(`kept ${dir} (server log, database, profile)`);
  else rmSync(dir, { recursive: true, force: true });
}
