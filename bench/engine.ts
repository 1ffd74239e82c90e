/**
 * Engine benchmark: full decisions per second of each seed policy over its samples (input
 * validation included, trace off and on), and the expression compiler against json-logic-js
 * interpreting the very same expressions over the same data (the baseline, measured in the
 * same run, interleaved round by round so a noisy machine moves both alike).
 */
import jsonLogic from 'json-logic-js';
import { compileExpression } from '../server/engine/compiler.ts';
import { evaluate, defaultBudget } from '../server/engine/index.ts';
import type { CompiledPolicy } from '../server/engine/index.ts';
import { LocalCatalog } from '../server/catalog/local-catalog.ts';

export interface EngineFigure {
  name: string;
  /** Median operations per second over the rounds. */
  opsPerSec: number;
  baseline?: { name: string; opsPerSec: number; ratio: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs fn repeatedly for about `ms` and returns operations per second. */
function rate(fn: () => void, ops: number, ms = 300): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    n += ops;
    now = performance.now();
  }
  return (n / (now - start)) * 1000;
}

function policyCases(catalog: LocalCatalog, tenant: string, key: string) {
  const source = catalog.policy(tenant, key)!;
  const compiled = catalog.compileVersion(source, 1);
  if (!compiled.ok) throw new Error(`${tenant}/${key} does not compile`);
  const samples = catalog.tenants.find((t) => t.tenant === tenant)!.samples.filter((s) => (s.sample.requests as Record<string, unknown>)[key] !== undefined);
  const cases = samples.map((s) => ({ input: { order: s.sample.order, request: (s.sample.requests as Record<string, unknown>)[key] }, at: s.sample.at as string }));
  return { policy: compiled.policy, cases };
}

/** Every expression of a policy paired with the scope it sees, from evaluating its samples with trace on. */
function expressionWorkload(policy: CompiledPolicy, cases: Array<{ input: unknown; at: string }>) {
  const doc = policy.document;
  const exprs = [...(doc.let ?? []).map((d) => d.value), ...doc.rules.map((r) => r.when)].filter((e) => !JSON.stringify(e).match(/"(now|daysBetween|addDays|money|table|date|addMonths|endOfMonth|root|object|sum|get|count|range|hoursBetween|maxOf|minOf|round|floor|ceil|isBefore|isOnOrBefore|addHours|businessDaysBetween|addBusinessDays|minorUnits)"/));
  const scopes = cases.map((c) => ({ ...(c.input as object), params: policy.params }));
  return { exprs, scopes };
}

export function runEngineBench(rounds = 5): EngineFigure[] {
  const catalog = LocalCatalog.load();
  const figures: EngineFigure[] = [];
  for (const [tenant, key] of [['solum', 'returns'], ['soom', 'cancellation']] as const) {
    const { policy, cases } = policyCases(catalog, tenant, key);
    for (const trace of [false, true]) {
      const r = median(Array.from({ length: rounds }, () => rate(() => { for (const c of cases) evaluate(policy, c.input, c.at, { trace }); }, cases.length)));
      figures.push({ name: `${tenant}/${key} decisions/s (validation on, trace ${trace ? 'on' : 'off'}, ${cases.length} samples)`, opsPerSec: r });
    }
    // The compiler against json-logic-js on the expressions json-logic-js can run (standard operators only).
    const { exprs, scopes } = expressionWorkload(policy, cases);
    const compiled = exprs.map((e, i) => compileExpression(e, `/${i}`));
    const ctx = { env: { at: '2024-01-01T00:00:00Z', currency: 'USD', budget: { ...defaultBudget, steps: Number.MAX_SAFE_INTEGER }, tables: policy.tables }, root: null as unknown, rec: null };
    const ours: number[] = [];
    const theirs: number[] = [];
    const ops = exprs.length * scopes.length;
    for (let i = 0; i < rounds; i++) {
      ours.push(rate(() => { for (const s of scopes) { ctx.root = s; for (const f of compiled) f(s, ctx); } }, ops));
      theirs.push(rate(() => { for (const s of scopes) for (const e of exprs) jsonLogic.apply(e as never, s); }, ops));
    }
    const o = median(ours);
    const t = median(theirs);
    figures.push({ name: `${tenant}/${key}: ${exprs.length} standard expressions, compiled closures`, opsPerSec: o, baseline: { name: 'json-logic-js 2.0.5 interpreting them', opsPerSec: t, ratio: o / t } });
  }
  return figures;
}
