/** Which version decides when: later activations override earlier ones where windows overlap. */
import { describe, expect, it } from 'vitest';
import { activeVersionAt } from '../../server/engine/index.ts';

const holiday = [
  { version: 1, from: null },
  { version: 2, from: '2023-10-11T00:00:00Z', until: '2024-02-01T00:00:00Z' },
];

describe('activeVersionAt', () => {
  it('uses the open-ended version before a windowed overlay starts', () => {
    expect(activeVersionAt(holiday, '2023-10-10T23:59:59Z')).toBe(1);
  });
  it('uses the overlay from its first instant (inclusive)', () => {
    expect(activeVersionAt(holiday, '2023-10-11T00:00:00Z')).toBe(2);
  });
  it('uses the overlay through the last instant before its end', () => {
    expect(activeVersionAt(holiday, '2024-01-31T23:59:59Z')).toBe(2);
  });
  it('falls back to the open-ended version at the window end (exclusive)', () => {
    expect(activeVersionAt(holiday, '2024-02-01T00:00:00Z')).toBe(1);
  });
  it('rolls back by a new activation of an old version', () => {
    const withRollback = [...holiday, { version: 3, from: '2024-03-01T00:00:00Z' }, { version: 1, from: '2024-04-01T00:00:00Z' }];
    expect(activeVersionAt(withRollback, '2024-03-15T00:00:00Z')).toBe(3);
    expect(activeVersionAt(withRollback, '2024-04-02T00:00:00Z')).toBe(1);
  });
  it('answers null when nothing is active yet', () => {
    expect(activeVersionAt([{ version: 1, from: '2024-01-01T00:00:00Z' }], '2023-12-31T23:59:59Z')).toBeNull();
  });
  it('compares instants, not strings, across time zones', () => {
    expect(activeVersionAt(holiday, '2023-10-11T08:59:59+09:00')).toBe(1);
    expect(activeVersionAt(holiday, '2023-10-11T09:00:00+09:00')).toBe(2);
  });
});
