/**
 * Compiled policies share the closures of equal constants and of equal reads without a default
 * (compiler.ts CompileScope.shared, interned.ts), within a document and across documents:
 * neither can fail, so no error names the path of one use or the other, and each records its
 * read for the trace as its own closure did. A read of the same path at another slot is not equal.
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

  it('shares them with another document reading the same paths at the same slots, not at others', () => {
    const same = closuresOf(compileOk({ ...doc, title: 'Another' })).main;
    expect(same.rules[0]!.values[0]).toBe(field(0, 'total'));
    expect(same.rules[1]!.values[3]).toBe(field(1, 'label'));
    // "request" read first: "order" gets another slot, so order.total is another read.
    const shifted = compileOk({ ...doc, let: [{ name: 'first', value: { var: 'request' } }, ...doc.let] });
    const moved = closuresOf(shifted).main;
    expect(moved.rules[0]!.values[0]).not.toBe(field(0, 'total'));
    expect(moved.rules[0]!.values[3]).toBe(field(0, 'label'));
    const r = evaluate(shifted, { order: { total: 150 }, request: 'r' }, '2024-01-15T10:00:00Z');
    expect(r.ok && r.decision.total).toBe(150);
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
