/**
 * The generated accept/reject check of a flattened schema (server/engine/schema-check.ts) is a
 * fast path of ajv's code for the same flat schema (first error, strict off), so it must accept
 * exactly what ajv accepts: on every seed policy's input and decision schema over the samples
 * and thousands of mutations of them, and on random schemas of the flattenable shape (every
 * keyword it generates, nested through properties, items, allOf, anyOf, oneOf, not and
 * if/then/else) over values made near them. Where it does not cover a schema it says so (null).
 */
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { flattenSchema } from '../../server/engine/schema-flatten.ts';
import { compileFlatCheck } from '../../server/engine/schema-check.ts';
import { loadSchemaFiles, linearRegExp } from '../../server/catalog/schema-files.ts';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { mutate, validValues } from '../helpers/mutate.ts';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const files = loadSchemaFiles();
const byId = new Map<string, object>(Object.entries(files).map(([id, s]) => [((s as { $id?: string }).$id ?? id), s]));

/** ajv as the registry compiles a flat schema (schemas.ts: first error, strict off), with or without the linear-time patterns. */
function firstErrorAjv(linear: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: false, strict: false, allowUnionTypes: true, logger: false, ...(linear ? { code: { regExp: Object.assign(linearRegExp, { code: 'linearRegExp' }) } } : {}) });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  return ajv;
}
const native = firstErrorAjv(false);
const linear = firstErrorAjv(true);
const formatsOf = (ajv: Ajv2020) => (ajv as unknown as { formats: Record<string, unknown> }).formats;

const catalog = LocalCatalog.load();

const strings = ['', 'a', 'ab', 'abc', 'ABC', 'USD', 'usd', 'en', 'en-US', 'x\u00e9', '\u{1F600}', '\u{1F600}\u{1F600}', 'a\u{1F600}', '\ud83d', 'esl', 'original',
  '2024-01-31', '2024-02-30', '2024-01-31T10:00:00Z', '2024-01-31T10:00:00.5+02:00', '2024-01-31T10:00:00', '2016-12-31T23:59:60Z', '2024-01-31t10:00:00z',
  'a@b.co', '123e4567-e89b-12d3-a456-426614174000', 'constructor', 'toString'];
const numbers = [-1, -0, 0, 0.5, 1, 1.5, 2, 3, 10, 1e21, -1e21, 2 ** 53, Infinity, -Infinity, NaN];

const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(...strings, ...numbers, [], {}, null, true, false, 'credit_card'),
);

describe('generated flat checks on the seed schemas', () => {
  for (const [tenant, policies] of [['solum', ['returns']], ['soom', ['points', 'layaway', 'cancellation', 'returns', 'after-service', 'membership']]] as const) {
    for (const key of policies) {
      for (const kind of ['input', 'decision'] as const) {
        const id = `${tenant}/${key}.${kind}.schema.json`;
        it(`${id}: accepts exactly what ajv's flat first-error code accepts`, () => {
          const flat = flattenSchema({ $ref: id }, byId);
          expect(flat).not.toBeNull();
          for (const ajv of [native, linear]) {
            const ours = compileFlatCheck(flat, { formats: formatsOf(ajv), regExp: ajv === linear ? linearRegExp : null });
            expect(ours).not.toBeNull();
            const theirs = ajv.compile(flat!);
            const bases = validValues(catalog, tenant, key, kind);
            expect(bases.length).toBeGreaterThan(0);
            for (const base of bases) expect(ours!(base)).toBe(theirs(base));
            let refused = 0;
            fc.assert(fc.property(fc.constantFrom(...bases), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), replacement, (base, choice, value) => {
              const v = mutate(base, choice, value);
              const want = theirs(v);
              if (!want) refused++;
              expect(ours!(v)).toBe(want);
            }), { numRuns: 1500 });
            expect(refused).toBeGreaterThan(150);
          }
        });
      }
    }
  }
});

/* Random schemas of the flattenable shape, and values near them. */

const KEYS = ['a', 'b', 'c', 'constructor'];
const primitive = fc.constantFrom<unknown>(null, true, false, 0, 1, 2, 0.5, -1, 'a', 'ab', 'USD', '', 'constructor');
const typeName = fc.constantFrom('null', 'boolean', 'object', 'array', 'number', 'integer', 'string');
const annotations = { title: fc.constant('t'), description: fc.constant('d'), default: fc.jsonValue({ maxDepth: 1 }), examples: fc.constant([1]), tsType: fc.constant('unknown') };

const schemaArb: fc.Arbitrary<unknown> = fc.letrec<{ schema: unknown; node: unknown }>((tie) => ({
  schema: fc.oneof({ maxDepth: 4, depthIdentifier: 'schema' }, fc.constantFrom(true, false, {}), tie('node'), tie('node'), tie('node')),
  node: fc.array(fc.oneof(...Object.entries({
    type: fc.oneof(typeName, fc.uniqueArray(typeName, { minLength: 1, maxLength: 3 })),
    enum: fc.array(primitive, { minLength: 1, maxLength: 4 }),
    const: primitive,
    minimum: fc.constantFrom(-1, 0, 0.5, 1, 2, 1e21),
    maximum: fc.constantFrom(-1, 0, 0.5, 1, 2, 1e21),
    exclusiveMinimum: fc.constantFrom(-1, 0, 0.5, 1, 2),
    exclusiveMaximum: fc.constantFrom(-1, 0, 0.5, 1, 2),
    minLength: fc.constantFrom(0, 1, 2, 3),
    maxLength: fc.constantFrom(0, 1, 2, 3),
    pattern: fc.constantFrom('^[A-Z]{3}$', '^a', 'b$', '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', '.', '^.$'),
    format: fc.constantFrom('date', 'date-time', 'email', 'uuid', 'time', 'uri', 'int32', 'no-such-format'),
    items: tie('schema'),
    minItems: fc.constantFrom(0, 1, 2),
    maxItems: fc.constantFrom(0, 1, 2),
    required: fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 3 }),
    properties: fc.dictionary(fc.constantFrom(...KEYS), tie('schema'), { maxKeys: 3 }),
    additionalProperties: fc.oneof(fc.constantFrom(true, false), tie('schema')),
    minProperties: fc.constantFrom(0, 1, 2),
    maxProperties: fc.constantFrom(0, 1, 2),
    allOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }),
    anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }),
    oneOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }),
    not: tie('schema'),
    if: tie('schema'),
    then: tie('schema'),
    else: tie('schema'),
    ...annotations,
  } as Record<string, fc.Arbitrary<unknown>>).map(([k, arb]) => arb.map((v) => [k, v] as const))), { minLength: 1, maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
})).schema;

const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'value' },
    fc.constantFrom<unknown>(...strings, ...numbers, null, true, false),
    fc.dictionary(fc.constantFrom(...KEYS, 'd'), tie('value'), { maxKeys: 4 }),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
})).value;

describe('generated flat checks on random schemas', () => {
  it('accept exactly what ajv accepts, or refuse the schema (null)', () => {
    let covered = 0;
    let schemas = 0;
    const answers = { accepted: 0, refused: 0 };
    fc.assert(fc.property(schemaArb, fc.array(valueArb, { minLength: 20, maxLength: 20 }), fc.boolean(), (schema, values, useLinear) => {
      const ajv = useLinear ? linear : native;
      let theirs: (v: unknown) => boolean;
      try {
        const fn = ajv.compile(schema as object);
        theirs = (v) => fn(v) === true;
      } catch {
        return; // not a schema ajv compiles: the registry never gets here (the full validator compiles it first)
      }
      schemas++;
      const ours = compileFlatCheck(schema, { formats: formatsOf(ajv), regExp: useLinear ? linearRegExp : null });
      if (!ours) return;
      covered++;
      for (const v of values) {
        let want: boolean;
        try {
          want = theirs(v);
        } catch {
          // ajv's own generated code can throw on rare shapes (a ReferenceError "items0 is not
          // defined" for {"oneOf": [{"title": "t"}, {"oneOf": [{"items": true}], "not": true}]}):
          // there is no answer of ajv's to compare with.
          continue;
        }
        answers[want ? 'accepted' : 'refused']++;
        expect([v, ours(v)]).toEqual([v, want]);
      }
    }), { numRuns: 3000 });
    // Refused: int32 and unknown formats only (and schemas holding one).
    expect(covered).toBeGreaterThan(schemas * 0.6);
    // Both answers, many times each: the values are near enough to the schemas to tell them apart.
    expect(answers.accepted).toBeGreaterThan(covered * 2);
    expect(answers.refused).toBeGreaterThan(covered * 2);
  });

  it('refuses what it does not generate', () => {
    const formats = formatsOf(native);
    for (const schema of [
      { type: 'object', patternProperties: { '^a': true } },
      { type: 'array', prefixItems: [true] },
      { uniqueItems: true },
      { multipleOf: 2 },
      { enum: [{ a: 1 }] },
      { const: [1] },
      { format: 'int32' },
      { format: 'no-such-format' },
      { $ref: '#/$defs/a' },
      { contains: true },
      { dependentRequired: { a: ['b'] } },
    ]) expect(compileFlatCheck(schema, { formats }), JSON.stringify(schema)).toBeNull();
    expect(compileFlatCheck(JSON.parse('{"properties": {"__proto__": {"type": "string"}}}'), { formats })).toBeNull();
    expect(compileFlatCheck(JSON.parse('{"required": ["__proto__"]}'), { formats })).toBeNull();
  });
});
