/**
 * The static analysis on the seed policies (every version in policies/, with its manifest's
 * param overrides): the exact warnings. The one finding is real and intended: Solum's text
 * lists no refund time for Alipay, so `refundTimes` has no row for it and `refundEta` is null
 * (the table's description says so); the warning tells staff the same.
 */
import { describe, expect, it } from 'vitest';
import { analyzePolicy } from '../../server/engine/analysis/index.ts';
import { loadPolicyDir } from '../../server/catalog/policy-files.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';

const alipayGap = {
  path: '/tables/refundTimes',
  code: 'table-gap',
  message: 'table `refundTimes` has no row for refundMethod = "alipay"; the lookup then gives null (add a row or a default)',
};

const expected: Record<string, unknown[]> = {
  'solum/returns@1': [alipayGap],
  'solum/returns@2': [alipayGap],
  'soom/after-service@1': [],
  'soom/cancellation@1': [],
  'soom/layaway@1': [],
  'soom/membership@1': [],
  'soom/points@1': [],
  'soom/returns@1': [],
};

describe('static analysis of the seed policies', () => {
  const { tenants, problems } = loadPolicyDir();
  const versions = tenants.flatMap((t) => t.policies.flatMap((p) => p.versions.map((v) => [`${t.tenant}/${p.key}@${v.version}`, v.document] as const)));

  it('loads every seed version', () => {
    expect(problems).toEqual([]);
    expect(versions.map(([name]) => name).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected))('%s has exactly the expected warnings', (name) => {
    const doc = versions.find(([n]) => n === name)![1];
    expect(analyzePolicy(doc, { schema: schemaRegistry().schema })).toEqual(expected[name]);
  });
});
