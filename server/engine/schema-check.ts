/**
 * The accept/reject check of an input, generated from its flattened schema (schema-flatten.ts)
 * as one JavaScript function that answers true or false and nothing else: property loads,
 * typeof tests and the format and pattern functions, no error objects, no JSON Pointers, no
 * options object per call. ajv's code for the same flat schema builds an error object (with its
 * instance path and schema path) for every branch of an anyOf that does not match, e.g. for each
 * null timestamp tried first as a date-time, and takes an options argument it destructures.
 *
 * It computes exactly what the flat schema compiled by ajv (draft 2020-12, allErrors off,
 * strict off: numbers not required to be finite) answers, keyword by keyword with ajv's own
 * conditions (see ajv's vocabularies): `required` and `properties` read `value[key]` (inherited
 * properties included, as ajv does), additionalProperties walks `for...in`, lengths count
 * code points as ajv's ucs2length, the formats are the ajv instance's own definitions and the
 * patterns come from the same regExp engine with the "u" flag. Anything else refuses (null),
 * and the caller compiles the flat schema with ajv instead: keywords not listed below, enum or
 * const values that are objects, formats the instance does not know or that are not for strings.
 * test/engine/schema-check.test.ts compares it with ajv on the seed schemas and on random ones.
 * Where `new Function` is refused (a Content-Security-Policy without 'unsafe-eval'), null too.
 */
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';

// ajv's runtime is CommonJS: Node hands us module.exports, a bundler may hand us its `default`.
const ucs2length = ((ucs2lengthModule as unknown as { default?: unknown }).default ?? ucs2lengthModule) as (text: string) => number;

export interface FlatCheckOptions {
  /** The format definitions of the ajv instance the check stands for (its `formats`). */
  formats: Readonly<Record<string, unknown>>;
  /** How that instance compiles a pattern (its code.regExp); native RegExp when absent. */
  regExp?: ((pattern: string, flags: string) => { test(text: string): boolean }) | null;
}

class Refused extends Error {}

/** Keywords that do not take part in validation (annotations; tsType is the registry's annotation keyword). */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', '$comment']);
const HANDLED = new Set([
  'type', 'enum', 'const',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern', 'format',
  'items', 'minItems', 'maxItems',
  'required', 'properties', 'additionalProperties', 'minProperties', 'maxProperties',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else',
]);

/** ajv's checkDataType (compile/validate/dataType.ts) with strictNumbers off. */
function typeCondition(type: string, x: string): string {
  switch (type) {
    case 'null': return `${x} === null`;
    case 'boolean': return `typeof ${x} == "boolean"`;
    case 'string': return `typeof ${x} == "string"`;
    case 'array': return `Array.isArray(${x})`;
    case 'object': return `(${x} && typeof ${x} == "object" && !Array.isArray(${x}))`;
    case 'number': return `typeof ${x} == "number"`;
    case 'integer': return `(typeof ${x} == "number" && !(${x} % 1) && !isNaN(${x}))`;
    default: throw new Refused();
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

class Generator {
  /** Values the code reaches by index: regular expressions, format definitions, odd numbers. */
  readonly pool: unknown[] = [];
  /** Functions of their own (the branches of anyOf, oneOf, not and if). */
  readonly functions: string[] = [];
  private names = 0;

  constructor(private readonly options: FlatCheckOptions) {}

  name(prefix: string): string {
    return `${prefix}${this.names++}`;
  }

  ref(value: unknown): string {
    this.pool.push(value);
    return `P[${this.pool.length - 1}]`;
  }

  /** A number as the code reads it. */
  number(value: unknown): string {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Refused();
    return !Object.is(value, -0) && Number(String(value)) === value ? `(${String(value)})` : this.ref(value);
  }

  /** A primitive enum or const value compared with ===, as ajv compares primitives. */
  primitive(value: unknown): string {
    if (value === null || typeof value === 'boolean') return String(value);
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'number') return this.number(value);
    throw new Refused(); // objects and arrays: ajv's deep equal
  }

  count(value: unknown): string {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Refused();
    return String(value);
  }

  /** A function of its own answering whether `schema` accepts its argument; returns its name. */
  fn(schema: unknown): string {
    const name = this.name('inputCheck');
    const lines: string[] = [];
    this.body(schema, 'x', lines);
    this.functions.push(`function ${name}(x) { ${lines.join(' ')} return true; }`);
    return name;
  }

  schemas(value: unknown): unknown[] {
    if (!Array.isArray(value) || value.length === 0) throw new Refused();
    return value;
  }

  /** Statements that `return false` when the value in variable `x` is not accepted by `schema`. */
  body(schema: unknown, x: string, out: string[]): void {
    if (schema === true) return;
    if (schema === false) {
      out.push('return false;');
      return;
    }
    if (!isPlainObject(schema)) throw new Refused();
    for (const key of Object.keys(schema)) {
      if (ANNOTATIONS.has(key)) continue;
      if (key === 'tsType') {
        if (typeof schema.tsType !== 'string') throw new Refused();
        continue;
      }
      if (!HANDLED.has(key)) throw new Refused();
    }
    const s = schema;
    if (s.type !== undefined) {
      const types = typeof s.type === 'string' ? [s.type] : s.type;
      if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string')) throw new Refused();
      out.push(`if (!(${(types as string[]).map((t) => typeCondition(t, x)).join(' || ')})) return false;`);
    }
    if (s.enum !== undefined) {
      const values = this.schemas(s.enum).map((v) => this.primitive(v));
      out.push(`if (!(${values.map((v) => `${x} === ${v}`).join(' || ')})) return false;`);
    }
    if (s.const !== undefined) out.push(`if (${x} !== ${this.primitive(s.const)}) return false;`);

    // ajv applies these keywords to numbers only (limitNumber: fails on `x < limit || isNaN(x)`).
    const numeric: string[] = [];
    for (const [key, fail] of [['minimum', '<'], ['maximum', '>'], ['exclusiveMinimum', '<='], ['exclusiveMaximum', '>=']] as const) {
      if (s[key] !== undefined) numeric.push(`if (${x} ${fail} ${this.number(s[key])} || isNaN(${x})) return false;`);
    }
    if (numeric.length) out.push(`if (typeof ${x} == "number") { ${numeric.join(' ')} }`);

    const text: string[] = [];
    if (s.minLength !== undefined) {
      // ucs2length(x) <= x.length and >= x.length / 2: the count is needed only in between.
      const n = this.count(s.minLength);
      text.push(`if (${x}.length < ${n} || (${x}.length < ${n} * 2 && LEN(${x}) < ${n})) return false;`);
    }
    if (s.maxLength !== undefined) {
      const n = this.count(s.maxLength);
      text.push(`if (${x}.length > ${n} && LEN(${x}) > ${n}) return false;`);
    }
    if (s.pattern !== undefined) {
      if (typeof s.pattern !== 'string') throw new Refused();
      let rx: { test(text: string): boolean };
      try {
        rx = (this.options.regExp ?? ((p: string, f: string) => new RegExp(p, f)))(s.pattern, 'u');
      } catch {
        throw new Refused(); // ajv would not compile it either
      }
      text.push(`if (!${this.ref(rx)}.test(${x})) return false;`);
    }
    if (s.format !== undefined) {
      if (typeof s.format !== 'string' || !Object.prototype.hasOwnProperty.call(this.options.formats, s.format)) throw new Refused();
      const def = this.options.formats[s.format];
      if (def !== true) {
        if (def instanceof RegExp) text.push(`if (!${this.ref(def)}.test(${x})) return false;`);
        else if (typeof def === 'function') text.push(`if (!${this.ref(def)}(${x})) return false;`);
        else if (isPlainObject(def) && !def.async && (def.type === undefined || def.type === 'string') && (typeof def.validate === 'function' || def.validate instanceof RegExp)) {
          text.push(typeof def.validate === 'function' ? `if (!${this.ref(def)}.validate(${x})) return false;` : `if (!${this.ref(def.validate)}.test(${x})) return false;`);
        } else throw new Refused();
      }
    }
    if (text.length) out.push(`if (typeof ${x} == "string") { ${text.join(' ')} }`);

    const array: string[] = [];
    if (s.minItems !== undefined) array.push(`if (${x}.length < ${this.count(s.minItems)}) return false;`);
    if (s.maxItems !== undefined) array.push(`if (${x}.length > ${this.count(s.maxItems)}) return false;`);
    if (s.items !== undefined) {
      if (Array.isArray(s.items)) throw new Refused();
      const lines: string[] = [];
      const i = this.name('i');
      const e = this.name('e');
      this.body(s.items, e, lines);
      if (lines.length) array.push(`for (let ${i} = 0, n = ${x}.length; ${i} < n; ${i}++) { const ${e} = ${x}[${i}]; ${lines.join(' ')} }`);
    }
    if (array.length) out.push(`if (Array.isArray(${x})) { ${array.join(' ')} }`);

    const object: string[] = [];
    if (s.required !== undefined) {
      if (!Array.isArray(s.required) || s.required.some((k) => typeof k !== 'string' || k === '__proto__')) throw new Refused();
      for (const k of s.required as string[]) object.push(`if (${x}[${JSON.stringify(k)}] === undefined) return false;`);
    }
    const known: string[] = [];
    if (s.properties !== undefined) {
      if (!isPlainObject(s.properties)) throw new Refused();
      for (const k of Object.keys(s.properties)) {
        if (k === '__proto__') throw new Refused();
        known.push(k);
        const v = this.name('p');
        const lines: string[] = [];
        this.body(s.properties[k], v, lines);
        if (lines.length) object.push(`{ const ${v} = ${x}[${JSON.stringify(k)}]; if (${v} !== undefined) { ${lines.join(' ')} } }`);
      }
    }
    if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
      const k = this.name('k');
      const extra = known.length ? `if (${known.map((p) => `${k} === ${JSON.stringify(p)}`).join(' || ')}) continue; ` : '';
      if (s.additionalProperties === false) object.push(`for (const ${k} in ${x}) { ${extra}return false; }`);
      else {
        const lines: string[] = [];
        const v = this.name('a');
        this.body(s.additionalProperties, v, lines);
        if (lines.length) object.push(`for (const ${k} in ${x}) { ${extra}const ${v} = ${x}[${k}]; ${lines.join(' ')} }`);
      }
    }
    if (s.minProperties !== undefined) object.push(`if (Object.keys(${x}).length < ${this.count(s.minProperties)}) return false;`);
    if (s.maxProperties !== undefined) object.push(`if (Object.keys(${x}).length > ${this.count(s.maxProperties)}) return false;`);
    if (object.length) out.push(`if (${typeCondition('object', x)}) { ${object.join(' ')} }`);

    if (s.allOf !== undefined) for (const sub of this.schemas(s.allOf)) this.body(sub, x, out);
    if (s.anyOf !== undefined) out.push(`if (!(${this.schemas(s.anyOf).map((sub) => `${this.fn(sub)}(${x})`).join(' || ')})) return false;`);
    if (s.oneOf !== undefined) {
      const c = this.name('c');
      out.push(`{ let ${c} = 0; ${this.schemas(s.oneOf).map((sub) => `if (${this.fn(sub)}(${x})) ${c}++;`).join(' ')} if (${c} !== 1) return false; }`);
    }
    if (s.not !== undefined) out.push(`if (${this.fn(s.not)}(${x})) return false;`);
    if (s.if !== undefined && (s.then !== undefined || s.else !== undefined)) {
      const then: string[] = [];
      const otherwise: string[] = [];
      if (s.then !== undefined) this.body(s.then, x, then);
      if (s.else !== undefined) this.body(s.else, x, otherwise);
      out.push(`if (${this.fn(s.if)}(${x})) { ${then.join(' ')} } else { ${otherwise.join(' ')} }`);
    }
  }
}

/** The accept/reject function of a flattened schema, or null (compile it with ajv then). */
export function compileFlatCheck(schema: unknown, options: FlatCheckOptions): ((value: unknown) => boolean) | null {
  const g = new Generator(options);
  const lines: string[] = [];
  try {
    g.body(schema, 'x', lines);
  } catch (err) {
    if (err instanceof Refused) return null;
    throw err;
  }
  const source = `"use strict";\n${g.functions.join('\n')}\nreturn function inputCheck(x) { ${lines.join(' ')} return true; };\n//# sourceURL=input-check.generated.js`;
  try {
    return new Function('P', 'LEN', source)(g.pool, ucs2length) as (value: unknown) => boolean;
  } catch {
    return null;
  }
}
