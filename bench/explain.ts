/**
 * `npx tsx bench/explain.ts [seconds per round] [rounds]`: what an explanation costs (README,
 * "Explanations"). Solum returns over its samples, three ways interleaved round by round in one
 * process: a plain evaluation (decide without explain), a traced one, and a traced one plus
 * engine/explain.ts (decide with explain: true). Prints each median in decisions/s and the
 * ratios. Run on demand, never part of `npm test`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { schemaRegistry } from '../server/catalog/schema-files.ts';
import { policiesDir } from '../server/catalog/policy-files.ts';
import { compile, evaluate, explain } from '../server/engine/index.ts';

const seconds = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 5);
const compiled = compile(JSON.parse(readFileSync(`${policiesDir}/solum/returns.json`, 'utf8')), { registry: schemaRegistry() });
if (!compiled.ok) throw new Error('solum/returns does not compile');
const policy = compiled.policy;
const samplesDir = `${policiesDir}/solum/samples`;
const cases = readdirSync(samplesDir).map((f) => {
  const s = JSON.parse(readFileSync(`${samplesDir}/${f}`, 'utf8')) as { at: string; order: unknown; requests: { returns: unknown } };
  return { input: { order: s.order, request: s.requests.returns }, at: s.at };
});

const ways: Record<string, (c: (typeof cases)[number]) => unknown> = {
  'explain off': (c) => evaluate(policy, c.input, c.at),
  'traced': (c) => evaluate(policy, c.input, c.at, { trace: true }),
  'explain on': (c) => {
    const r = evaluate(policy, c.input, c.at, { trace: true });
    return r.ok ? explain(policy, c.input, r.trace!, r.decision) : r;
  },
};

function round(way: (c: (typeof cases)[number]) => unknown): number {
  let n = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 500; i++) way(cases[(n + i) % cases.length]!);
    n += 500;
  }
  return n / ((performance.now() - started) / 1000);
}

for (const way of Object.values(ways)) for (let i = 0; i < 2000; i++) way(cases[i % cases.length]!); // warm up (and generate the hot code)
const results: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) for (const [name, way] of Object.entries(ways)) results[name]!.push(round(way));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const off = median(results['explain off']!);
for (const [name, xs] of Object.entries(results)) {
  const m = median(xs);
  console.log(`${name.padEnd(12)} ${Math.round(m).toLocaleString('en-US').padStart(9)} decisions/s  (${(m / off).toFixed(3)} of explain off; rounds ${xs.map((x) => Math.round(x)).join(', ')})`);
}
