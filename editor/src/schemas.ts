/**
 * Every JSON Schema of schemas/, bundled into the editor by Vite, keyed by its path there
 * (= its $id), the same map the server's loadSchemaFiles() reads from disk. The registry is
 * built on first use: Ajv compiles the DSL's schema, which need not delay the first paint.
 */
import { createSchemaRegistry } from '../../server/engine/index.ts';
import type { SchemaRegistry } from '../../server/engine/index.ts';

const files = import.meta.glob<object>('../../schemas/**/*.schema.json', { eager: true, import: 'default' });

export const schemaFiles: Record<string, object> = Object.fromEntries(
  Object.entries(files).map(([path, schema]) => [path.replace(/^(\.\.\/)+schemas\//, ''), schema]),
);

let registry: SchemaRegistry | null = null;

export function schemaRegistry(): SchemaRegistry {
  registry ??= createSchemaRegistry(schemaFiles);
  return registry;
}
