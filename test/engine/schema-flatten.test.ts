/**
 * The flattened copy of a schema (server/engine/schema-flatten.ts), compiled to stop at the
 * first error, accepts exactly what the original schema accepts: on every seed policy's input
 * and decision schema, over the samples and thousands of mutations of them (fields removed,
 * retyped, emptied, out of range, dates broken), and the registry's validators still list every
 * problem of a refused input.
 */
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { flattenSchema } from '../../server/engine/schema-flatten.ts';
import { createSchemaRegistry } from '../../server/engine/schemas.ts';
import { loadSchemaFiles } from '../../server/catalog/schema-files.ts';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { mutate, validValues } from '../helpers/mutate.ts';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const files = loadSchemaFiles();
const byId = new Map<string, object>(Object.entries(files).map(([id, s]) => [((s as { $id?: string }).$id ?? id), s]));
const full = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(full);
full.addKeyword({ keyword: 'tsType', schemaType: 'string' });
for (const [id, schema] of Object.entries(files)) full.addSchema(schema, (schema as { $id?: unknown }).$id === undefined ? id : undefined);
const first = new Ajv2020({ allErrors: false, strict: false, allowUnionTypes: true });
addFormats(first);
first.addKeyword({ keyword: 'tsType', schemaType: 'string' });

const catalog = LocalCatalog.load();

const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('2024-02-30T10:00:00Z', '2024-01-31T10:00:00', '2024-01-31', '2016-12-31T23:59:60Z', 'usd', 'USD', 'EURO', 'en-US', 'e', -1, 0, 1.5, 1e21, '', [], {}, null, true, 'esl', 'original', 'credit_card'),
);

describe('flattened schemas', () => {
  for (const [tenant, policies] of [['solum', ['returns']], ['soom', ['points', 'layaway', 'cancellation', 'returns', 'after-service', 'membership']]] as const) {
    for (const key of policies) {
      for (const kind of ['input', 'decision'] as const) {
        const id = `${tenant}/${key}.${kind}.schema.json`;
        it(`${id}: the flat first-error check accepts exactly what the schema accepts`, () => {
          const flat = flattenSchema({ $ref: id }, byId);
          expect(flat).not.toBeNull();
          const fast = first.compile(flat!);
          const original = full.compile({ $ref: id });
          const bases = validValues(catalog, tenant, key, kind);
          expect(bases.length).toBeGreaterThan(0);
          let refused = 0;
          fc.assert(fc.property(fc.constantFrom(...bases), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), replacement, (base, choice, value) => {
            const v = mutate(base, choice, value);
            const want = original(v);
            if (!want) refused++;
            expect(fast(v)).toBe(want);
          }), { numRuns: 3000 });
          expect(refused).toBeGreaterThan(300);
        });
      }
    }
  }

  it('refuses what it cannot flatten faithfully', () => {
    expect(flattenSchema({ $defs: { a: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }, byId)).toBeNull();
    expect(flattenSchema({ type: 'object', unevaluatedProperties: false }, byId)).toBeNull();
    expect(flattenSchema({ $dynamicRef: '#x' }, byId)).toBeNull();
    expect(flattenSchema({ $ref: 'nowhere.schema.json' }, byId)).toBeNull();
    expect(flattenSchema({ $ref: '#anchor' }, byId)).toBeNull();
  });

  it('leaves the problems of a refused input as the full validator lists them', () => {
    const registry = createSchemaRegistry(files);
    const validate = registry.compile({ $ref: 'solum/returns.input.schema.json' });
    const original = full.compile({ $ref: 'solum/returns.input.schema.json' });
    const bad = { order: { id: '', currency: 'usd', items: [] }, request: { reason: 'x', items: [{ sku: 'A', quantity: 0 }] } };
    expect(original(bad)).toBe(false);
    const problems = validate(bad);
    expect(problems.length).toBeGreaterThan(5);
    expect(problems).toContainEqual({ path: '/request/items/0/condition', message: 'is required' });
  });
});
