/**
 * Every document of the hostile corpus (test/fixtures/hostile/) is refused by compile itself,
 * so nothing of it is ever executed, and compiling it pollutes nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../server/engine/index.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';

const dir = new URL('../fixtures/hostile/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('compile refuses the hostile corpus', () => {
  it('has a corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s is refused with a located problem', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const result = compile(JSON.parse(text), { registry: schemaRegistry(), sourceText: text });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.every((p) => typeof p.path === 'string' && p.message.length > 0)).toBe(true);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });
});
