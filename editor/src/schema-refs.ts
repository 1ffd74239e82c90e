/**
 * Inlines a schema's internal `$ref`s (`#/$defs/...`) so the JSON language service sees one
 * self-contained tree (it handles draft 2020-12 `$defs` only partly), and drops what it does
 * not know (`$schema`, `$defs`, the `tsType` annotation of the type generator).
 *
 * @example
 *   resolveRefs({ $defs: { n: { type: 'string' } }, properties: { key: { $ref: '#/$defs/n' } } });
 *   // { properties: { key: { type: 'string' } } }
 */
export function resolveRefs(root: Record<string, unknown>): Record<string, unknown> {
  const resolving = new Set<string>();
  const walk = (node: unknown, names = false): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n));
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    const ref = obj.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/')) {
      if (resolving.has(ref)) return {}; // a recursive definition: stop (accept anything below)
      resolving.add(ref);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((at, seg) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
      const { $ref: _ref, ...rest } = obj;
      const resolved = { ...(walk(target) as Record<string, unknown>), ...(walk(rest) as Record<string, unknown>) };
      resolving.delete(ref);
      return resolved;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      // In a map of property names every key is kept (the DSL has a "$schema" property).
      if (!names && (k === '$defs' || k === '$schema' || k === 'tsType' || k === '$id')) continue;
      out[k] = walk(v, !names && (k === 'properties' || k === 'patternProperties' || k === 'dependentSchemas'));
    }
    return out;
  };
  return walk(root) as Record<string, unknown>;
}
