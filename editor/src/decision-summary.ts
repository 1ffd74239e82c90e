/**
 * Short, readable forms of decisions for lists: the outcome's main fields on one line
 * ("eligible: true · refundAmount: 329.2"), and values shown compactly. The first boolean or
 * enum-like field is what staff scan for; money and dates follow.
 *
 * @example
 *   outcomeFields({ eligible: true, refundAmount: 329.2, items: [...], rule: 'refund' });
 *   // [['eligible', true], ['refundAmount', 329.2]]
 *   compactValue({ minBusinessDays: 0, maxBusinessDays: 10 });   // '{minBusinessDays: 0, maxBusinessDays: 10}'
 */

/** Fields of every decision that are not its outcome, and fields too detailed for one line. */
const SKIP = new Set(['rule', 'items', 'schedule', 'manualReview']);

/** The decision's scalar fields worth a glance, at most `max`; manual review first when set. */
export function outcomeFields(decision: Record<string, unknown> | null, max = 3): Array<[string, unknown]> {
  if (!decision) return [];
  const out: Array<[string, unknown]> = [];
  if (decision.manualReview !== null && decision.manualReview !== undefined) out.push(['manualReview', decision.manualReview]);
  const entries = Object.entries(decision).filter(([k, v]) => !SKIP.has(k) && (v === null || typeof v !== 'object'));
  // Booleans first (eligible, allowed, accepted), then amounts, then the rest.
  const rank = ([k, v]: [string, unknown]) => (typeof v === 'boolean' ? 0 : /amount|charge|earned|refund/i.test(k) ? 1 : 2);
  entries.sort((a, b) => rank(a) - rank(b));
  for (const e of entries) {
    if (out.length >= max) break;
    out.push(e);
  }
  return out;
}

/** A value on one line: strings bare, objects with unquoted keys, long ones cut. */
export function compactValue(value: unknown, limit = 80): string {
  const s = compact(value);
  return s.length > limit ? `${s.slice(0, limit - 1)}…` : s;
}

function compact(value: unknown): string {
  if (value === undefined) return '(none)';
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(compactInner).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${k}: ${compactInner(v)}`).join(', ')}}`;
}

function compactInner(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : compact(value);
}

/**
 * A JSON Pointer into a decision as staff read it: /items/0/refundAmount → items[0].refundAmount,
 * and a simulation's field of every item, /items/[]/refundAmount → items[].refundAmount.
 */
export function readablePath(pointer: string): string {
  if (!pointer || pointer === '/') return '(the decision)';
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : seg === '[]' ? `${acc}[]` : acc ? `${acc}.${seg}` : seg), '');
}
