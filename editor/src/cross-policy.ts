/**
 * The model of the Simulate view's "with other policies" panel (components/simulation-cross-
 * policy.tsx): which of the tenant's other policies join the what-if and how (left out, as they
 * decide now, or their saved draft), the POST /v1/simulate body they make with the document in
 * the editor, and the answer as rows to show. No DOM, tested in Node.
 *
 * @example
 *   const body = crossPolicyBody('returns', editorText, { points: 'draft', cancellation: 'active' });
 *   if (body.ok) show(summaryRows(await api.simulateTenant(body.body)));
 */
import type { SimulateTenantRequest, SimulateTenantResponse } from '../../server/types/schemas.gen.ts';
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

/**
 * The body: the document in the editor as this policy's candidate, each other policy with
 * "draft" as a change with its draft, each with "active" evaluated unchanged; over every sample.
 */
export function crossPolicyBody(current: string, text: string, choices: Readonly<Record<string, PolicyChoice>>): { ok: true; body: SimulateTenantRequest } | { ok: false; message: string } {
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
    cases: { samples: true },
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
