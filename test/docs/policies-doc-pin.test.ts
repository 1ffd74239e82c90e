/** docs/policies.md says, per policy, which instant chooses the deciding version (README, "Effective dates"). */
import { describe, expect, it } from 'vitest';
import { renderPoliciesDoc } from '../../scripts/policies-doc.ts';
import { pinnedPoliciesDir } from '../helpers/pinned-policies.ts';

describe('the policies doc on effective dates', () => {
  it('says "the one active at the decision\'s at" for a policy without pinTo, and "when the order was placed" for one pinned to it', () => {
    const doc = renderPoliciesDoc(pinnedPoliciesDir());
    const section = (key: string) => doc.slice(doc.indexOf(`### solum/${key}:`)).split('\n### ')[0]!;
    expect(section('returns')).toContain('Which version decides: the one active at the decision\'s `at` (`pinTo` "decision", the default).');
    expect(section('returns-by-order')).toContain('Which version decides: the one active when the order was placed (`pinTo: "order.placedAt"`).');
  });
});
