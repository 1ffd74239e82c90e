/**
 * Validators are shared by schema content: every version, tenant copy or draft of a policy
 * with the same input schema uses one compiled validator, so compiling a document again
 * (another tenant's copy, the cache's next miss) does not add another one for good.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { compileOk } from '../helpers/engine.ts';

const solumReturns = () => JSON.parse(readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8')) as Record<string, any>;

describe('validators shared by schema content', () => {
  it('gives two compiles of equal documents (other objects, other descriptions) one input and one output validator', () => {
    const a = compileOk(solumReturns());
    const b = compileOk({ ...solumReturns(), description: 'a tenant of its own' });
    expect(b.validateInput).toBe(a.validateInput);
    expect(b.validateOutput).toBe(a.validateOutput);
  });

  it('keeps schemas that differ apart, and each still validates by its own content', () => {
    const registry = schemaRegistry();
    const numbers = registry.compile({ type: 'object', properties: { sharingTestN: { type: 'number' } } });
    const strings = registry.compile({ type: 'object', properties: { sharingTestN: { type: 'string' } } });
    expect(strings).not.toBe(numbers);
    expect(numbers({ sharingTestN: 1 })).toEqual([]);
    expect(strings({ sharingTestN: 1 })).not.toEqual([]);
    expect(registry.compile({ type: 'object', properties: { sharingTestN: { type: 'number' } } })).toBe(numbers);
  });

  it('compiles an inline schema that declares an $id once however many documents carry it', () => {
    const registry = schemaRegistry();
    const schema = () => ({ $id: 'test/schema-sharing-inline.schema.json', type: 'object', required: ['x'], properties: { x: { type: 'string' } } });
    const first = registry.compile(schema());
    // ajv refuses a second schema object with an $id it already holds; equal content is the same validator.
    expect(registry.compile(schema())).toBe(first);
    expect(first({})).toHaveLength(1);
  });
});
