/**
 * The model of the Simulate view's "with other policies" panel (components/simulation-cross-
 * policy.tsx): which of the tenant's other policies join the what-if and how (left out, as they
 * decide now, or their saved draft), the POST /v1/simulate body they make with the document in
 * the editor over the cases the main simulation has chosen (crossPolicyCases: the chosen
 * samples, the pasted orders, or the logged decisions of the chosen days), the streamed answer
 * gathered line by line (crossRunOf) and the answer as rows to show. No DOM, tested in Node.
 *
 * @example
 *   const cases = crossPolicyCases(simulationState, 'returns');
 *   const body = cases.ok && crossPolicyBody('returns', editorText, { points: 'draft', cancellation: 'active' }, cases.cases);
 *   if (body && body.ok) show(summaryRows(await api.simulateTenant(body.body)));
 */
import type { SimulateTenantRequest, SimulateTenantResponse, SimulateTenantStreamLine } from '../../server/types/schemas.gen.ts';
import type { PolicySummary } from './api.ts';

/** How another policy joins: not at all, unchanged (the version that decides each case now), or with its saved draft. */
export type PolicyChoice = 'skip' | 'active' | 'draft';

export interface OtherPolicy {
  key: string;
  title: string;
  hasDraft: boolean;
  /** Whether some version decides it now; without one it cannot join. */
  decides: boolean;
}

/** The tenant's policies other than the one being edited, in key order. */
export function otherPolicies(list: readonly PolicySummary[], current: string): OtherPolicy[] {
  return list
    .filter((p) => p.key !== current)
    .map((p) => ({ key: p.key, title: p.title, hasDraft: p.draft !== null, decides: p.activeVersion !== null }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

export type TenantCases = SimulateTenantRequest['cases'];

/** What the main simulation has chosen (SimulationState of simulation.ts, which this module does not load: it brings the engine). */
export interface CaseChoice {
  kind: 'samples' | 'orders' | 'decisions';
  /** The samples of the policy being edited (the main simulation's list). */
  samples: { status: 'idle' | 'loading' | 'ready' | 'failed'; list: ReadonlyArray<{ name: string }> };
  /** The samples chosen by name; null = every sample of the list. */
  selected: string[] | null;
  ordersText: string;
  ordersProblems: readonly unknown[];
  /** UTC dates YYYY-MM-DD, both inclusive; limit '' for none. */
  decisions: { from: string; until: string; limit: string };
}

/**
 * The cases of the simulation together, as the main simulation has chosen them: its samples
 * (the policy's samples, every one or the chosen names: each is then decided by every joined
 * policy it has a request for), its pasted orders (a sample keeps its requests for every
 * policy; a case {input: {order, request}} has a request for this policy only), or the logged
 * decisions of its days (on the server: every joined policy's decisions of those days, grouped
 * by order). `label` says which, for the panel.
 *
 * @example
 *   crossPolicyCases({ kind: 'samples', samples: { status: 'ready', list }, selected: ['a', 'b'], ... }, 'returns');
 *   // { ok: true, cases: { samples: ['a', 'b'] }, label: 'the 2 chosen samples' }
 */
export function crossPolicyCases(choice: CaseChoice, policy: string): { ok: true; cases: TenantCases; label: string } | { ok: false; message: string } {
  if (choice.kind === 'samples') {
    if (choice.selected === null) {
      if (choice.samples.status !== 'ready') return { ok: false, message: choice.samples.status === 'failed' ? 'The samples cannot be loaded.' : 'Loading the samples…' };
      const names = choice.samples.list.map((s) => s.name);
      if (!names.length) return { ok: false, message: `There are no samples of ${policy}: paste orders under Cases.` };
      return { ok: true, cases: { samples: names as [string, ...string[]] }, label: `every sample of ${policy} (${names.length})` };
    }
    if (!choice.selected.length) return { ok: false, message: 'Choose at least one sample under Cases.' };
    return { ok: true, cases: { samples: [...choice.selected] as [string, ...string[]] }, label: choice.selected.length === 1 ? 'the chosen sample' : `the ${choice.selected.length} chosen samples` };
  }
  if (choice.kind === 'orders') {
    if (!choice.ordersText.trim()) return { ok: false, message: 'Paste orders under Cases first.' };
    if (choice.ordersProblems.length) return { ok: false, message: 'Fix the problems of the pasted orders first.' };
    let value: unknown;
    try {
      value = JSON.parse(choice.ordersText);
    } catch {
      return { ok: false, message: 'Fix the problems of the pasted orders first.' };
    }
    const items = (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown>>;
    const orders = items.map((item) => {
      // A case {id?, input: {order, request}, at} or a sample {name, at, order, requests}: parsePastedCases has checked them.
      const input = item.input as { order: Record<string, unknown>; request: Record<string, unknown> } | undefined;
      const id = typeof item.id === 'string' ? item.id : typeof item.name === 'string' && item.name ? item.name : undefined;
      return {
        ...(id !== undefined ? { id } : {}),
        order: input ? input.order : (item.order as Record<string, unknown>),
        requests: input ? { [policy]: input.request } : (item.requests as Record<string, Record<string, unknown>>),
        at: item.at as string,
      };
    });
    if (!orders.length) return { ok: false, message: 'Paste orders under Cases first.' };
    return { ok: true, cases: { orders: orders as [(typeof orders)[number], ...typeof orders] }, label: orders.length === 1 ? 'the pasted order' : `the ${orders.length} pasted orders` };
  }
  const { from, until, limit } = choice.decisions;
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const valid = (d: string) => day.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));
  const max = limit.trim() === '' ? undefined : Number(limit);
  if (!valid(from) || !valid(until) || until < from || (max !== undefined && (!Number.isInteger(max) || max < 1))) return { ok: false, message: 'Fix the days of the logged decisions under Cases first.' };
  const next = new Date(`${until}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return {
    ok: true,
    cases: { decisions: { from: `${from}T00:00:00Z`, until: `${next.toISOString().slice(0, 10)}T00:00:00Z`, ...(max !== undefined ? { limit: max } : {}) } },
    label: `the logged decisions of ${from === until ? from : `${from} to ${until}`}${max !== undefined ? ` (the first ${max} per policy)` : ''}`,
  };
}

/**
 * The body: the document in the editor as this policy's candidate, each other policy with
 * "draft" as a change with its draft, each with "active" evaluated unchanged; over `cases`
 * (crossPolicyCases; default every sample).
 */
export function crossPolicyBody(current: string, text: string, choices: Readonly<Record<string, PolicyChoice>>, cases: TenantCases = { samples: true }): { ok: true; body: SimulateTenantRequest } | { ok: false; message: string } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { ok: false, message: 'The document is not valid JSON: fix it in the editor to simulate.' };
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return { ok: false, message: 'The document is not a JSON object.' };
  const chosen = Object.entries(choices).filter(([key]) => key !== current).sort(([a], [b]) => a.localeCompare(b));
  const drafts = chosen.filter(([, c]) => c === 'draft').map(([key]) => key);
  const unchanged = chosen.filter(([, c]) => c === 'active').map(([key]) => key);
  if (!drafts.length && !unchanged.length) return { ok: false, message: 'Choose at least one other policy to simulate together.' };
  const body: SimulateTenantRequest = {
    changes: [{ policy: current, candidate: { document: document as Record<string, unknown> } }, ...drafts.map((policy) => ({ policy, candidate: { draft: true as const } }))],
    cases,
  };
  if (unchanged.length) body.policies = unchanged;
  return { ok: true, body };
}

export interface MoneyMove {
  /** The orders' currency ("" for orders without one). */
  currency: string;
  /** The decision field, e.g. /refundAmount. */
  field: string;
  net: number;
  up: number;
  down: number;
}

interface Movement {
  up: number;
  down: number;
  net: number;
}

export interface PolicyRow {
  policy: string;
  /** What decided after: "this document", "its draft", "unchanged". */
  compared: string;
  evaluated: number;
  changed: number;
  failed: number;
  money: MoneyMove[];
}

/**
 * One row per policy of the answer, then the combined row (policy "all"); the amounts moved per
 * currency of the orders (summary.byCurrency), never dollars and won added up.
 */
export function summaryRows(res: SimulateTenantResponse, current: string): PolicyRow[] {
  const currencies = Object.entries(res.summary.byCurrency).sort(([a], [b]) => a.localeCompare(b));
  const moves = (pick: (c: { fields: Record<string, Movement | undefined>; byPolicy: Record<string, Record<string, Movement | undefined> | undefined> }) => Record<string, Movement | undefined> | undefined): MoneyMove[] =>
    currencies.flatMap(([currency, c]) =>
      Object.entries(pick(c!) ?? {}).flatMap(([field, m]) => (m && (m.up !== 0 || m.down !== 0) ? [{ currency, field, net: m.net, up: m.up, down: m.down }] : [])),
    );
  const rows = res.policies.map((p): PolicyRow => {
    const s = res.summary.byPolicy[p.policy]!;
    return {
      policy: p.policy,
      compared: !p.changed ? 'unchanged' : p.policy === current ? 'this document' : 'its draft',
      evaluated: s.evaluated,
      changed: s.changed,
      failed: Math.max(s.errors.before, s.errors.after),
      money: moves((c) => c.byPolicy[p.policy]),
    };
  });
  const all = res.summary;
  rows.push({ policy: 'all', compared: 'combined', evaluated: all.evaluated, changed: all.changed, failed: Math.max(all.errors.before, all.errors.after), money: moves((c) => c.fields) });
  return rows;
}

/** A streamed run as far as it has come: progress in orders, the changed orders and failed decisions so far, the answer at the end. */
export interface CrossRun {
  progress: { done: number; total: number } | null;
  orders: SimulateTenantResponse['orders'];
  errors: SimulateTenantResponse['errors'];
  /** The whole answer, once the summary line came. */
  answer: SimulateTenantResponse | null;
  /** The problem line of a run that could not finish. */
  problem: { title: string; detail?: string; errors?: Array<{ path: string; message: string }> } | null;
}

export const emptyRun = (): CrossRun => ({ progress: null, orders: [], errors: [], answer: null, problem: null });

/** The run after one more line of POST /v1/simulate's NDJSON answer (schemas/api/simulate-tenant-stream-line.schema.json). */
export function crossRunOf(run: CrossRun, line: SimulateTenantStreamLine): CrossRun {
  if ('progress' in line) return { ...run, progress: { done: line.progress.evaluated, total: line.progress.total } };
  if ('order' in line) return { ...run, orders: [...run.orders, line.order] };
  if ('error' in line) return { ...run, errors: [...run.errors, line.error] };
  if ('summary' in line) {
    const total = line.summary.orders;
    return { ...run, progress: { done: total, total }, answer: { policies: line.policies, summary: line.summary, orders: run.orders, errors: run.errors } };
  }
  const p = line.problem as { title?: string; detail?: string; errors?: Array<{ path: string; message: string }> };
  return { ...run, problem: { title: p.title ?? 'The run could not finish', ...(p.detail ? { detail: p.detail } : {}), ...(p.errors ? { errors: p.errors } : {}) } };
}
