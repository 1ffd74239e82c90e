/**
 * Unreachable rules: under first match, a rule never decides when every input its `when`
 * admits is taken by earlier rules (an earlier `true`, the same condition, a subset of its
 * `and`, a wider interval on the same value, the same `==`, or several earlier rules that
 * together cover it, counting the values the input schema allows: `reason` is "a", then "b",
 * then "c" of an enum of three leaves nothing after them), or when its own conditions
 * contradict each other. `otherwise` is dead
 * when the rules before it cover everything. Applied to the order-level rules and to the
 * per-item rules of `each` alike.
 */
import { isRecord, pointer } from '../expression-sites.ts';
import { contradictory, coveredBy, toDnf } from './conditions.ts';
import type { Clause, ConditionContext, FiniteDomains, WorkBudget } from './conditions.ts';
import type { Warning } from './warnings.ts';

interface RuleLike {
  id: string;
  when: unknown;
}

export function unreachableRules(rules: unknown, otherwise: unknown, base: string, ctx: ConditionContext, domains?: FiniteDomains, budget: WorkBudget = { left: Infinity }): Warning[] {
  if (!Array.isArray(rules)) return [];
  const list: RuleLike[] = rules.filter(isRecord).map((r, i) => ({ id: typeof r.id === 'string' ? r.id : `#${i}`, when: r.when }));
  const out: Warning[] = [];
  const earlier: Array<{ clause: Clause; owner: number }> = [];
  const name = (i: number) => `\`${list[i]!.id}\``;
  const byRules = (owners: number[]) => (owners.length === 1 ? `rule ${name(owners[0]!)}` : `rules ${owners.map(name).join(', ')}`);
  list.forEach((rule, i) => {
    const dnf = toDnf(rule.when, ctx);
    const path = pointer(base, i, 'when');
    const live = dnf.filter((c) => !contradictory(c));
    if (dnf.length === 0) {
      out.push({ path, code: 'unreachable-rule', message: `rule ${name(i)} never applies: its \`when\` is always false` });
    } else if (live.length === 0) {
      out.push({ path, code: 'unreachable-rule', message: `rule ${name(i)} never applies: its conditions contradict each other (no input satisfies them all)` });
    } else if (earlier.length > 0) {
      const owners = new Set<number>();
      const covered = live.every((c) => {
        const by = coveredBy(c, earlier, domains, budget);
        by?.forEach((o) => owners.add(o));
        return by !== null;
      });
      if (covered && owners.size === 0) {
        out.push({ path, code: 'unreachable-rule', message: `rule ${name(i)} never applies: no input the input schema allows satisfies its conditions` });
      } else if (covered) {
        const who = [...owners].sort((a, b) => a - b);
        const always = who.length === 1 && earlier.some((e) => e.owner === who[0] && e.clause.length === 0);
        out.push({
          path,
          code: 'unreachable-rule',
          message: always
            ? `rule ${name(i)} never applies: ${byRules(who)} before it always applies (its \`when\` is always true)`
            : `rule ${name(i)} never applies: every input it matches is decided first by ${byRules(who)}`,
        });
      }
    }
    for (const clause of live) earlier.push({ clause, owner: i });
  });
  if (isRecord(otherwise) && earlier.length > 0) {
    const by = coveredBy([], earlier, domains, budget);
    if (by) {
      const always = by.length === 1 && earlier.some((e) => e.owner === by[0] && e.clause.length === 0);
      out.push({
        path: `${base.replace(/rules$/, '')}otherwise`,
        code: 'unreachable-otherwise',
        message: always
          ? `\`otherwise\` never applies: ${byRules(by)} always applies (its \`when\` is always true)`
          : `\`otherwise\` never applies: ${byRules(by)} together match every input`,
      });
    }
  }
  return out;
}
