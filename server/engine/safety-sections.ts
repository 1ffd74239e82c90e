/**
 * Static checks of the parts of a policy document that are not expressions but could still
 * be abused or silently wrong: section sizes, derived-value names (unique, not shadowing what
 * the engine puts in the data), rule ids (unique, since the trace and decisions name rules by
 * id), tables, and tests naming a fixture that exists.
 */
import type { Problem } from './types.ts';
import { isRecord, pointer, type PolicyLike } from './expression-sites.ts';
import type { Limits } from './safety-limits.ts';
import { checkTables } from './safety-tables.ts';

/** Names the engine puts in the data every expression sees; a derived value may not hide them. */
export const RESERVED_NAMES: readonly string[] = ['order', 'request', 'params', 'now', 'item', 'itemIndex', 'items', 'tables'];

/** Checks everything but the expressions themselves (see safety-expressions.ts). */
export function checkSections(doc: PolicyLike, lim: Limits): Problem[] {
  const problems: Problem[] = [];
  if (!isRecord(doc)) return problems;
  const each = isRecord(doc.each) ? doc.each : {};

  const counted: Array<[unknown, string, number, string]> = [
    [doc.rules, '/rules', lim.maxRules, 'rules'],
    [each.rules, '/each/rules', lim.maxRules, 'rules'],
    [doc.let, '/let', lim.maxDerived, 'derived values'],
    [each.let, '/each/let', lim.maxDerived, 'derived values'],
    [doc.totals, '/totals', lim.maxDerived, 'derived values'],
    [doc.tests, '/tests', lim.maxTests, 'tests'],
  ];
  for (const [list, path, max, what] of counted) {
    if (Array.isArray(list) && list.length > max) problems.push({ path, message: `${list.length} ${what}; the limit is ${max}` });
  }

  // One namespace: let, each.let and totals are all read as {"var": "<name>"}.
  const seen = new Map<string, string>();
  for (const [list, base] of [[doc.let, '/let'], [each.let, '/each/let'], [doc.totals, '/totals']] as const) {
    if (!Array.isArray(list)) continue;
    list.forEach((d, i) => {
      if (!isRecord(d) || typeof d.name !== 'string') return;
      const at = pointer(base, i, 'name');
      if (RESERVED_NAMES.includes(d.name)) {
        problems.push({ path: at, message: `${JSON.stringify(d.name)} is a reserved name (${RESERVED_NAMES.join(', ')}); choose another name for this derived value` });
      } else if (seen.has(d.name)) {
        problems.push({ path: at, message: `derived value ${JSON.stringify(d.name)} is already defined at ${seen.get(d.name)}; choose another name` });
      } else {
        seen.set(d.name, at);
      }
    });
  }

  ruleIds(doc.rules, doc.otherwise, '/rules', problems);
  ruleIds(each.rules, each.otherwise, '/each/rules', problems);
  checkTables(doc.tables, lim, problems);

  if (Array.isArray(doc.tests)) {
    const fixtures = isRecord(doc.fixtures) ? doc.fixtures : {};
    doc.tests.forEach((t, i) => {
      if (!isRecord(t) || t.base === undefined) return;
      if (typeof t.base !== 'string' || !Object.hasOwn(fixtures, t.base)) {
        const names = Object.keys(fixtures);
        const known = names.length > 0 ? `fixtures: ${names.slice(0, 12).join(', ')}` : 'this policy has no fixtures';
        problems.push({ path: pointer('/tests', i, 'base'), message: `test base ${JSON.stringify(t.base)} is not a fixture; ${known}` });
      }
    });
  }
  return problems;
}

/** Rule ids of one list must differ from each other and from the list's `otherwise` id. */
function ruleIds(list: unknown, otherwise: unknown, base: string, problems: Problem[]): void {
  if (!Array.isArray(list)) return;
  const seen = new Map<string, string>();
  list.forEach((r, i) => {
    if (!isRecord(r) || typeof r.id !== 'string') return;
    const at = pointer(base, i, 'id');
    const first = seen.get(r.id);
    if (first !== undefined) problems.push({ path: at, message: `rule id ${JSON.stringify(r.id)} is already used at ${first}; give each rule its own id` });
    else seen.set(r.id, at);
  });
  const otherwiseId = isRecord(otherwise) && typeof otherwise.id === 'string' ? otherwise.id : 'otherwise';
  const clash = seen.get(otherwiseId);
  if (clash !== undefined) {
    problems.push({ path: clash, message: `rule id ${JSON.stringify(otherwiseId)} is also the id of "otherwise"; give each its own id` });
  }
}
