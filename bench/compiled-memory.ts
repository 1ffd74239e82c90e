/**
 * Heap a compiled policy document holds: N distinct variants of each seed document (Solum
 * returns, Soom's six), each with a derived value of its own that no rule reads (as
 * bench/seed-tenants.ts `own` makes them, so the policy cache could not share their compiled
 * logic; the engine still shares what equal expressions compile to, see interned.ts), kept
 * alive; heap (and RSS) per compiled document right after compile, and again after each has
 * decided its samples past HOT_AFTER evaluations (the engine then runs generated JavaScript). With
 * `--breakdown`, heap snapshots before and after compiling show which kinds of objects the
 * compiled documents hold.
 *
 * @example
 *   node --expose-gc --import tsx bench/compiled-memory.ts            # 200 variants of each
 *   node --expose-gc --import tsx bench/compiled-memory.ts 50 --breakdown
 */
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { loadPolicyDir } from '../server/catalog/policy-files.ts';
import { schemaRegistry } from '../server/catalog/schema-files.ts';
import { compile, evaluate } from '../server/engine/index.ts';
import type { CompiledPolicy } from '../server/engine/index.ts';
import { HOT_AFTER } from '../server/engine/frames.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/compiled-memory.ts');

const args = process.argv.slice(2);
const variants = Number(args.find((a) => /^\d+$/.test(a)) ?? 200);
const breakdown = args.includes('--breakdown');

interface Case { input: unknown; at: string }
interface Seed { name: string; document: Record<string, unknown>; cases: Case[] }

/** The latest version of each seed policy, with the inputs its tenant's samples give it. */
function seeds(): Seed[] {
  const out: Seed[] = [];
  for (const t of loadPolicyDir().tenants) {
    for (const p of t.policies) {
      const cases = t.samples
        .map((s) => s.sample)
        .filter((s) => (s.requests as Record<string, unknown>)[p.key] !== undefined)
        .map((s) => ({ input: { order: s.order, request: (s.requests as Record<string, unknown>)[p.key] }, at: s.at as string }));
      if (!cases.length) throw new Error(`${t.tenant}/${p.key} has no samples`);
      out.push({ name: `${t.tenant}/${p.key}`, document: p.versions[p.versions.length - 1]!.document as Record<string, unknown>, cases });
    }
  }
  return out;
}

/** A document with logic of its own and the same decisions (bench/seed-tenants.ts `own`). */
function variant(document: Record<string, unknown>, i: number): Record<string, unknown> {
  const lets = Array.isArray(document.let) ? (document.let as unknown[]) : [];
  const tenant = `bench-${String(i).padStart(4, '0')}`;
  // Through JSON, as the service reads a version's document: its strings flat already (a
  // concatenated string would be flattened by the first compile, and counted as the compile's).
  return JSON.parse(JSON.stringify({ ...document, description: `${String(document.description ?? '')} (${tenant})`, let: [...lets, { name: 'benchTenant', value: tenant }] })) as Record<string, unknown>;
}

/** Heap in use and resident set size, after collecting garbage. */
function memory(): { heap: number; rss: number } {
  for (let i = 0; i < 4; i++) gc!();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const perCompiled = (from: { heap: number; rss: number }, to: { heap: number; rss: number }, count: number) =>
  `${((to.heap - from.heap) / count / 1024).toFixed(1)} KB heap per compiled document (RSS ${((to.rss - from.rss) / count / 1024).toFixed(1)} KB)`;

/** Self size by kind of heap object (snapshot node type and, for objects and closures, name). */
function heapKinds(file: string): Map<string, { count: number; size: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type'), nameAt = fields.indexOf('name'), sizeAt = fields.indexOf('self_size');
  const kinds = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    let name = snap.strings[snap.nodes[i + nameAt]!]!;
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = name.length > 200 ? '(long string)' : '(string)';
    const key = `${type} ${name.slice(0, 80)}`;
    const k = kinds.get(key) ?? { count: 0, size: 0 };
    k.count++;
    k.size += snap.nodes[i + sizeAt]!;
    kinds.set(key, k);
  }
  return kinds;
}

function printBreakdown(before: string, after: string, documents: number): void {
  const a = heapKinds(before), b = heapKinds(after);
  const rows: Array<[string, number, number]> = [];
  let total = 0;
  for (const [key, v] of b) {
    const was = a.get(key) ?? { count: 0, size: 0 };
    const size = v.size - was.size;
    total += size;
    if (Math.abs(size) / documents >= 300) rows.push([key, (v.count - was.count) / documents, size / documents]);
  }
  rows.sort((x, y) => y[2] - x[2]);
  console.log(`  snapshot: ${(total / documents / 1024).toFixed(1)} KB of self size per document; kinds over 300 B per document:`);
  for (const [key, count, size] of rows.slice(0, 40)) console.log(`    ${(size / 1024).toFixed(1).padStart(7)} KB  ${count.toFixed(1).padStart(7)} objects  ${key}`);
}

const registry = schemaRegistry();
const all = seeds();
// Compile one of each first: the registry's shared validators and the engine's modules are not per document.
for (const s of all) if (!compile(variant(s.document, 0), { registry }).ok) throw new Error(`${s.name} does not compile`);
const documents = all.map((s) => Array.from({ length: variants }, (_, i) => variant(s.document, i + 1)));
const snapshots = breakdown ? mkdtempSync(join(tmpdir(), 'compiled-memory-')) : null;

const base = memory();
const before = snapshots ? writeHeapSnapshot(join(snapshots, 'before.heapsnapshot')) : '';
const compiled: CompiledPolicy[][] = all.map((s, j) =>
  documents[j]!.map((d) => {
    const r = compile(d, { registry });
    if (!r.ok) throw new Error(`${s.name} does not compile`);
    return r.policy;
  }),
);
const fresh = memory();
const count = all.length * variants;
console.log(`${count} compiled documents (${variants} variants of each of ${all.length} seed documents)`);
console.log(`fresh:     ${perCompiled(base, fresh, count)}`);
if (snapshots) printBreakdown(before, writeHeapSnapshot(join(snapshots, 'fresh.heapsnapshot')), count);

// Past HOT_AFTER on the tenant's samples, each variant in turn: every one generates its code.
let decided = 0;
all.forEach((s, j) => {
  for (const policy of compiled[j]!) {
    for (let n = 0; n <= HOT_AFTER; ) {
      for (const c of s.cases) {
        const r = evaluate(policy, c.input, c.at);
        if (!r.ok) throw new Error(`${s.name}: ${JSON.stringify(r.error)}`);
        n++;
        decided++;
      }
    }
  }
});
const hot = memory();
console.log(`tiered up: ${perCompiled(base, hot, count)} (${decided} decisions)`);
if (snapshots) {
  printBreakdown(before, writeHeapSnapshot(join(snapshots, 'hot.heapsnapshot')), count);
  rmSync(snapshots, { recursive: true });
}
// Keep every compiled policy alive up to the last measurement.
if (compiled.flat().length !== count) throw new Error('lost a compiled document');
