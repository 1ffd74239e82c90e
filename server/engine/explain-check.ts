/**
 * Checks of a policy's explanation texts when it compiles (explain.ts builds the explanations):
 * every template readable, every placeholder naming something the decision has (a derived
 * value of the phase, a declared param, an input field, the rule's outcome), every condition
 * key a condition of its rule, every {x|label} placeholder's list declared in `labels`. Problems carry the JSON path of the text.
 */
import { isLogic, pointerSegment } from './compiler.ts';
import { parseTemplate, textVariants } from './explain-text.ts';
import type { Placeholder, Text } from './explain-text.ts';
import type { DerivedDoc, OtherwiseDoc, PolicyDoc, RuleDoc } from './policy.ts';
import type { Problem } from './types.ts';

/** The conditions of a rule's `when`: the items of a top-level "and", or the whole `when`. */
export function ruleConditions(when: unknown): Array<{ pointer: string; node: unknown }> {
  if (isLogic(when) && Array.isArray(when.and) && when.and.length > 0) return when.and.map((node, i) => ({ pointer: `/and/${i}`, node }));
  return [{ pointer: '', node: when }];
}

interface PhaseNames {
  derived: Set<string>;
  extra: Set<string>;
}

/**
 * Problems of a document's explanation texts, with their JSON paths: unreadable templates,
 * placeholders naming nothing the decision has, conditions that are not conditions of the rule.
 * `inputRoots`: the top-level input names a placeholder may start with.
 */
export function checkExplanations(doc: PolicyDoc, inputRoots: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const params = new Set(Object.keys(doc.params ?? {}));
  const labels = (doc.labels ?? {}) as Record<string, unknown>;
  const mainLets = (doc.let ?? []).map((d) => d.name);
  const totals = (doc.totals ?? []).map((d) => d.name);
  const itemLets = (doc.each?.let ?? []).map((d) => d.name);
  const main: PhaseNames = { derived: new Set([...mainLets, ...totals]), extra: new Set(doc.each ? [doc.each.into ?? 'items'] : []) };
  const item: PhaseNames = { derived: new Set([...mainLets, ...itemLets]), extra: new Set(['item', 'itemIndex']) };

  const check = (text: Text | undefined, path: string, names: PhaseNames, local: { then?: Set<string>; condition?: boolean }) => {
    if (text === undefined) return;
    for (const [language, variant] of textVariants(text)) {
      const at = language === '*' ? path : `${path}/${pointerSegment(language)}`;
      const parsed = parseTemplate(variant);
      if ('error' in parsed) {
        problems.push({ path: at, message: parsed.error });
        continue;
      }
      for (const part of parsed.parts) {
        if (typeof part === 'string') continue;
        const unknown = placeholderProblem(part, names, params, inputRoots, local);
        if (unknown) problems.push({ path: at, message: unknown });
        else if (part.format === 'label') {
          const list = part.segments[part.segments.length - 1]!;
          if (!Object.prototype.hasOwnProperty.call(labels, list)) problems.push({ path: at, message: `{${part.name}|label}: no labels "${list}" in this policy (declare the words in labels.${list}.<language>; its lists: ${Object.keys(labels).join(', ') || 'none'})` });
        }
      }
    }
  };
  const derived = (list: DerivedDoc[] | undefined, base: string, names: PhaseNames) =>
    (list ?? []).forEach((d, i) => check(d.explain as Text | undefined, `${base}/${i}/explain`, names, {}));
  const rules = (list: RuleDoc[], otherwise: OtherwiseDoc, base: string, names: PhaseNames) => {
    list.forEach((r, i) => {
      const ex = r.explain;
      if (!ex) return;
      const then = new Set([...Object.keys(r.then), 'rule']);
      check(ex.reason as Text | undefined, `${base}/rules/${i}/explain/reason`, names, { then });
      const conditions = new Set(ruleConditions(r.when).map((c) => c.pointer));
      for (const [pointer, text] of Object.entries(ex.conditions ?? {})) {
        const path = `${base}/rules/${i}/explain/conditions/${pointerSegment(pointer)}`;
        if (!conditions.has(pointer)) {
          problems.push({ path, message: `"${pointer}" is not a condition of this rule's "when" (its conditions: ${[...conditions].map((c) => JSON.stringify(c)).join(', ')})` });
          continue;
        }
        check(text as Text, path, names, { then, condition: true });
      }
    });
    if (otherwise.explain) check(otherwise.explain.reason as Text | undefined, `${base}/otherwise/explain/reason`, names, { then: new Set([...Object.keys(otherwise.then), 'rule']) });
  };

  derived(doc.let, '/let', main);
  if (doc.each) {
    derived(doc.each.let, '/each/let', item);
    rules(doc.each.rules, doc.each.otherwise, '/each', item);
  }
  derived(doc.totals, '/totals', main);
  rules(doc.rules, doc.otherwise, '', main);
  return problems;
}

function placeholderProblem(p: Placeholder, names: PhaseNames, params: Set<string>, inputRoots: ReadonlySet<string>, local: { then?: Set<string>; condition?: boolean }): string | null {
  const [root, second] = p.segments as [string, string | undefined];
  if (root === 'then') {
    if (!local.then) return `{${p.name}}: "then" is only known in a rule's texts`;
    if (second === undefined || !local.then.has(second)) return `{${p.name}}: the rule's outcome has no field "${second ?? ''}" (its fields: ${[...local.then].join(', ')})`;
    return null;
  }
  if (root === 'condition') {
    if (!local.condition) return `{${p.name}}: "condition" is only known in a condition's text`;
    if (p.segments.length !== 2 || (second !== 'value' && second !== 'threshold')) return `{${p.name}}: a condition has only {condition.value} and {condition.threshold}`;
    return null;
  }
  if (root === 'params') {
    if (second === undefined || !params.has(second)) return `{${p.name}}: no param "${second ?? ''}" in this policy`;
    return null;
  }
  if (root === 'now' || names.derived.has(root) || names.extra.has(root) || inputRoots.has(root)) return null;
  return `unknown placeholder {${p.name}}: not a derived value, param, input field (${[...inputRoots].join(', ')}) or ${[...names.extra, 'now'].join(', ')} here`;
}

/** The top-level input names of a policy: its inline input schema's properties, or the shared order contract's. */
export function inputRootsOf(doc: PolicyDoc): Set<string> {
  const input = doc.input as { properties?: unknown; $ref?: unknown };
  if (input && typeof input.properties === 'object' && input.properties !== null) return new Set(Object.keys(input.properties));
  return new Set(['order', 'request']);
}

