/**
 * What the editor bundles: every schema the server loads (so the browser compiles exactly as
 * the server does), the DSL schema with its $refs inlined for Monaco, and hover docs for
 * every operator of the registry.
 */
import { describe, expect, it } from 'vitest';
import { operators } from '../../server/engine/index.ts';
import { loadSchemaFiles } from '../../server/catalog/schema-files.ts';
import { isExpressionPath, operatorMarkdown, paramMarkdown } from '../../editor/src/docs.ts';
import { resolveRefs } from '../../editor/src/schema-refs.ts';
import { schemaFiles } from '../../editor/src/schemas.ts';

describe('the editor bundle', () => {
  it('bundles every schema of schemas/ under the same id as the server', () => {
    expect(Object.keys(schemaFiles).sort()).toEqual(Object.keys(loadSchemaFiles()).sort());
    expect(schemaFiles['policy.schema.json']).toEqual(loadSchemaFiles()['policy.schema.json']);
  });

  it('gives Monaco the DSL schema with every $ref inlined, keeping the "$schema" property of documents', () => {
    const resolved = resolveRefs(schemaFiles['policy.schema.json'] as Record<string, unknown>);
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) (keys.add(k), walk(v));
    };
    walk(resolved);
    expect(keys.has('$ref') || keys.has('$defs') || keys.has('tsType')).toBe(false);
    const props = resolved.properties as Record<string, { description?: string; properties?: Record<string, unknown> }>;
    expect(Object.keys(props)).toContain('$schema');
    expect(props.rules).toMatchObject({ type: 'array', items: { required: ['id', 'when', 'then'] } });
  });

  it('stops at a recursive $ref instead of looping', () => {
    const schema = { $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } }, $ref: '#/$defs/node' };
    expect(resolveRefs(schema)).toEqual({ type: 'object', properties: { child: {} } });
  });

  it('documents every operator for hover: name, family, arity, doc and examples', () => {
    for (const spec of operators) {
      const md = operatorMarkdown(spec);
      expect(md.startsWith(`**${spec.name}** · ${spec.family} operator, `), spec.name).toBe(true);
      expect(md).toContain(spec.doc);
      for (const [expr] of spec.examples) expect(md).toContain(JSON.stringify(expr));
    }
  });

  it('documents a param from the document for hover on "params.<name>"', () => {
    const doc = { params: { windowDays: { value: 30, unit: 'days', description: 'The window.', source: 'within 30 days' } } };
    expect(paramMarkdown(doc, 'windowDays')).toBe('**params.windowDays** = `30` (days)\n\nThe window.\n\n> within 30 days');
    expect(paramMarkdown(doc, 'toString')).toBeNull();
  });

  it('knows where operators are written: inside when/then/value/over, not as decision fields or params', () => {
    expect(isExpressionPath(['rules', 0, 'when', 'and'])).toBe(true);
    expect(isExpressionPath(['rules', 0, 'then', 'refundAmount', 'money'])).toBe(true);
    expect(isExpressionPath(['let', 2, 'value', 'daysBetween'])).toBe(true);
    expect(isExpressionPath(['rules', 0, 'then', 'refundAmount'])).toBe(false);
    expect(isExpressionPath(['params', 'x', 'value', 'if'])).toBe(false);
    expect(isExpressionPath(['tests', 0, 'expect', 'eligible'])).toBe(false);
  });
});
