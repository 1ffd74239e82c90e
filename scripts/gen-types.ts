/**
 * Generates TypeScript types from schemas/ (the single source of truth) into
 * server/types/schemas.gen.ts. Run `npm run gen:types` after changing a schema;
 * test/schemas/types-up-to-date.test.ts fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSchemaTypes } from './schema-types.ts';

const out = fileURLToPath(new URL('../server/types/schemas.gen.ts', import.meta.url));
writeFileSync(out, await generateSchemaTypes());
console.log(`wrote ${out}`);
