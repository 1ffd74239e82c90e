/** Loads every JSON Schema under schemas/ (keyed by its path there, which is also its $id). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** The registry over schemas/, built once per process. */
export function schemaRegistry(): SchemaRegistry {
  shared ??= createSchemaRegistry(loadSchemaFiles());
  return shared;
}
