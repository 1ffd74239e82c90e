import type { LocalCatalog } from '../../server/catalog/local-catalog.ts';

/**
 * Valid values of a seed policy's input or decision schema: the inputs of its tenant's samples
 * that ask it, or what its embedded tests expect of version 1.
 */
export function validValues(catalog: LocalCatalog, tenant: string, key: string, kind: 'input' | 'decision'): unknown[] {
  if (kind === 'input') {
    const samples = catalog.tenants.find((t) => t.tenant === tenant)!.samples.filter((s) => (s.sample.requests as Record<string, unknown>)?.[key] !== undefined);
    return samples.map((s) => ({ order: s.sample.order, request: (s.sample.requests as Record<string, unknown>)[key] }));
  }
  const policy = catalog.compileVersion(catalog.policy(tenant, key)!, 1);
  if (!policy.ok) throw new Error('policy does not compile');
  return (policy.policy.document.tests ?? []).map((t) => t.expect);
}

/**
 * Mutations of a valid JSON value for differential tests of validators (test/engine/schema-*):
 * a copy with the node at a pseudo-random path (chosen by `choice`) removed, given an extra
 * key, or replaced by `replacement`.
 */
/** A copy of `value` with the node at a random path replaced, removed, or given an extra key. */
export function mutate(value: unknown, choice: number[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let parent: unknown = null;
  let key: string | number | null = null;
  let cur: unknown = copy;
  for (const c of choice) {
    if (cur === null || typeof cur !== 'object') break;
    const keys = Array.isArray(cur) ? cur.map((_, i) => i) : Object.keys(cur);
    if (keys.length === 0) break;
    parent = cur;
    key = keys[c % keys.length]!;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  if (parent === null || key === null) return replacement;
  const how = choice[0]! % 4;
  if (how === 0 && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key];
  else if (how === 1 && cur !== null && typeof cur === 'object' && !Array.isArray(cur)) (cur as Record<string, unknown>).extra = replacement;
  else (parent as Record<string | number, unknown>)[key] = replacement;
  return copy;
}
