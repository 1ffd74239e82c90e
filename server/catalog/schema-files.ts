/** Loads every JSON Schema under schemas/ (keyed by its path there, which is also its $id). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RE2JS } from 're2js';
import { createSchemaRegistry } from '../engine/index.ts';
import type { SchemaRegistry } from '../engine/index.ts';

export const schemasDir = fileURLToPath(new URL('../../schemas/', import.meta.url));

export function loadSchemaFiles(dir = schemasDir): Record<string, object> {
  const out: Record<string, object> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.schema.json')) out[relative(dir, full).split(sep).join('/')] = JSON.parse(readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

let shared: SchemaRegistry | null = null;

/**
 * A pattern of a policy document, compiled by RE2JS (RE2's linear-time matching, no
 * backtracking): ^(a+)+$ on "aaaa…!" answers at once instead of in 2^n steps. RE2 has no
 * backreferences or lookaround; a pattern using them is refused when the document is compiled,
 * as an invalid schema at its path.
 */
export function linearRegExp(pattern: string, flags: string): { test(text: string): boolean; toString(): string } {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    throw new Error(`pattern ${JSON.stringify(pattern)} is not supported: patterns in policy documents are matched in linear time, without backreferences or lookaround (${(err as Error).message})`);
  }
  // ajv keys its compiled patterns by toString(): it must name the pattern, as RegExp's does.
  return { test: (text) => compiled.test(text), toString: () => `/${pattern}/${flags}` };
}

/** The registry over schemas/, built once per process. */
export function schemaRegistry(): SchemaRegistry {
  shared ??= createSchemaRegistry(loadSchemaFiles(), { untrustedRegExp: linearRegExp });
  return shared;
}
