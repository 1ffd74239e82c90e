/**
 * The expressions of one document share the closures of equal constants and of equal reads
 * without a default (compiler.ts CompileScope.shared): neither can fail, so no error names the
 * path of one use or the other, and each records its read for the trace as its own closure did.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../server/engine/index.ts';
import { closuresOf } from '../../server/engine/closure-tree.ts';
import { compileExpression } from '../../server/engine/compiler.ts';
import { compileOk } from '../helpers/engine.ts';

const doc = {
  key: 'shared',
  title: 'Shared closures',
  input: { type: 'object' },
  let: [{ name: 'total', value: { var: 'order.total' } }],
  rules: [
    { id: 'big', when: { '>': [{ var: 'order.total' }, 100] }, then: { total: { var: 'order.total' }, zero: 0, minusZero: -0, label: 'big', fallback: { var: ['order.missing', 'none'] } } },
    { id: 'small', when: { '<=': [{ var: 'order.total' }, 100] }, then: { total: { var: 'order.total' }, zero: 0, minusZero: -0, label: 'small', fallback: { var: ['order.missing', 'none'] } } },
  ],
  otherwise: { then: { total: null, zero: 0, minusZero: -0, label: 'big', fallback: null } },
};

describe('closures shared within a document', () => {
  const policy = compileOk(doc);
  const { main } = closuresOf(policy);
  const field = (rule: number, name: string) => main.rules[rule]!.values[main.rules[rule]!.fields.indexOf(name)]!;

  it('shares equal reads and constants, not reads with a default, and keeps -0 apart from 0', () => {
    expect(field(0, 'total')).toBe(field(1, 'total'));
    expect(field(0, 'total')).toBe(main.lets[0]!.fn);
    expect(field(0, 'label')).toBe(field(2, 'label'));
    expect(field(0, 'zero')).toBe(field(1, 'zero'));
    expect(field(0, 'minusZero')).not.toBe(field(1, 'minusZero'));
    expect(field(0, 'zero')).not.toBe(field(0, 'minusZero'));
    expect(field(0, 'fallback')).not.toBe(field(1, 'fallback'));
    // A lone expression has nothing to share with.
    expect(compileExpression({ var: 'a' }, '')).not.toBe(compileExpression({ var: 'a' }, ''));
  });

  it('decides and traces each use as its own closure would', () => {
    for (const total of [150, 50]) {
      const r = evaluate(policy, { order: { total } }, '2024-01-15T10:00:00Z', { trace: true });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.decision).toEqual({ total, zero: 0, minusZero: -0, label: total > 100 ? 'big' : 'small', fallback: 'none', rule: total > 100 ? 'big' : 'small' });
      expect(Object.is(r.decision.minusZero, -0)).toBe(true);
      expect(Object.is(r.decision.zero, 0)).toBe(true);
      expect(r.trace!.let).toEqual([{ name: 'total', path: '/let/0', value: total, reads: { 'order.total': total } }]);
      expect(r.trace!.rules.map((t) => t.values)).toEqual(total > 100 ? [{ 'order.total': total }] : [{ 'order.total': total }, { 'order.total': total }]);
    }
  });
});
