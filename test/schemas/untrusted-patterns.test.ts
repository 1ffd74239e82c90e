/**
 * Patterns written in a policy document (inline input, output and param schemas) are matched
 * in linear time (RE2JS), found by the hostile-document work of issue 7: with JavaScript's
 * backtracking RegExp, a param schema {"pattern": "^(a+)+$"} with the value "aaaa…a!" (40 a's)
 * took 2^40 steps when the document was compiled, so one PUT of a draft stopped the server for
 * good; the same pattern in an input schema did it at every decision. Our own schemas keep the
 * native RegExp.
 */
import { describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { compile, evaluate } from '../../server/engine/index.ts';

const evil = '^(a+)+$';
const attack = `${'a'.repeat(40)}!`;
const base = { key: 'redos', title: 'ReDoS', input: { type: 'object' }, rules: [{ id: 'r', when: true, then: { ok: true } }], otherwise: { then: { ok: false } } };

describe('patterns of policy documents', () => {
  it('a catastrophic pattern in a param schema is checked at once when the document compiles', () => {
    const started = performance.now();
    const result = compile({ ...base, params: { code: { value: attack, description: 'a code', schema: { type: 'string', pattern: evil } } } }, { registry: schemaRegistry() });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([{ path: '/params/code/value', message: `must match pattern "${evil}"` }]);
  });

  it('a catastrophic pattern in an input schema is checked at once at every decision', () => {
    const result = compile({ ...base, input: { type: 'object', properties: { s: { type: 'string', pattern: '^(a|a)+$' } } } }, { registry: schemaRegistry() });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const started = performance.now();
    const refused = evaluate(result.policy, { s: attack }, '2024-01-01T00:00:00Z');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(refused).toMatchObject({ ok: false, error: { kind: 'input', problems: [{ path: '/s' }] } });
    expect(evaluate(result.policy, { s: 'aaaa' }, '2024-01-01T00:00:00Z')).toMatchObject({ ok: true });
  });

  it('a pattern RE2 cannot match in linear time (a backreference, lookaround) is refused at its path', () => {
    const result = compile({ ...base, input: { type: 'object', properties: { s: { type: 'string', pattern: '^(a)\\1$' } } } }, { registry: schemaRegistry() });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]!.path).toBe('/input');
      expect(result.problems[0]!.message).toMatch(/linear time/);
    }
  });

  it('ordinary patterns behave as before', () => {
    const result = compile({ ...base, input: { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]{1,3}-\\d+$' } } } }, { registry: schemaRegistry() });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(evaluate(result.policy, { sku: 'SO-1001' }, '2024-01-01T00:00:00Z').ok).toBe(true);
    expect(evaluate(result.policy, { sku: 'so-1001' }, '2024-01-01T00:00:00Z').ok).toBe(false);
  });
});
