/**
 * Effective-date semantics (engine/effective-date.ts) on Solum's 2023 holiday activation:
 * "For the 2023 Holiday Season, most of the items purchased between October 11 and December 25,
 * 2023 can be returned until January 31, 2024." Version 2 (the holiday params) is active from
 * 2023-10-11 until 2024-02-01 over version 1. The same two documents decide with pinTo
 * "decision" (the seed) and "order.placedAt" (returns-by-order, test/helpers/pinned-policies.ts);
 * the expected versions and decisions are worked out by hand there.
 */
import { describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { chooseVersion, versionInstant } from '../../server/engine/index.ts';
import type { Activation, PinTo } from '../../server/engine/index.ts';
import { pinCases, pinnedPoliciesDir } from '../helpers/pinned-policies.ts';

const holiday: Activation[] = [
  { version: 1, from: null },
  { version: 2, from: '2023-10-11T00:00:00Z', until: '2024-02-01T00:00:00Z' },
];
const catalog = LocalCatalog.load(pinnedPoliciesDir());

describe('which version decides', () => {
  const everyVersion = (pin: PinTo) => () => pin;

  it('"decision" takes the version active at the decision instant, whatever the order date', () => {
    const input = { order: { placedAt: '2023-09-20T10:00:00Z' } };
    expect(chooseVersion(holiday, '2023-11-01T12:00:00Z', input, everyVersion('decision'))).toEqual({ ok: true, version: 2, versionAsOf: '2023-11-01T12:00:00Z', pinTo: 'decision' });
    expect(chooseVersion(holiday, '2024-02-10T12:00:00Z', input, everyVersion('decision'))).toMatchObject({ version: 1 });
  });

  it('"order.placedAt" takes the version active when the order was placed', () => {
    expect(chooseVersion(holiday, '2023-11-01T12:00:00Z', { order: { placedAt: '2023-09-20T10:00:00Z' } }, everyVersion('order.placedAt'))).toEqual({ ok: true, version: 1, versionAsOf: '2023-09-20T10:00:00Z', pinTo: 'order.placedAt' });
    expect(chooseVersion(holiday, '2024-02-10T12:00:00Z', { order: { placedAt: '2023-11-20T10:00:00+02:00' } }, everyVersion('order.placedAt'))).toEqual({ ok: true, version: 2, versionAsOf: '2023-11-20T08:00:00Z', pinTo: 'order.placedAt' });
  });

  it('the version active at the decision instant governs: the pinTo of the version it picks is not asked', () => {
    // Version 1 (governing on Feb 10) pins to the order date; version 2 (active on Nov 20) says "decision":
    // version 2 decides anyway, and choosing stops there (no second step, so no cycle).
    const asked: number[] = [];
    const pinOf = (v: number): PinTo => (asked.push(v), v === 1 ? 'order.placedAt' : 'decision');
    expect(chooseVersion(holiday, '2024-02-10T12:00:00Z', { order: { placedAt: '2023-11-20T10:00:00Z' } }, pinOf)).toMatchObject({ ok: true, version: 2, pinTo: 'order.placedAt' });
    expect(asked).toEqual([1]);
    // And the other way round: version 2 governs on Nov 1 and says "decision", so version 1's pin never matters.
    expect(chooseVersion(holiday, '2023-11-01T12:00:00Z', { order: { placedAt: '2023-09-20T10:00:00Z' } }, pinOf)).toMatchObject({ ok: true, version: 2, pinTo: 'decision' });
  });

  it('an order placed after the decision instant is decided with the version active at that instant', () => {
    // A version scheduled for later must never decide early (clock skew, or bad data).
    expect(versionInstant('order.placedAt', '2023-10-10T23:59:00Z', { order: { placedAt: '2023-10-11T00:01:00Z' } })).toEqual({ ok: true, asOf: '2023-10-10T23:59:00Z' });
    expect(chooseVersion(holiday, '2023-10-10T23:59:00Z', { order: { placedAt: '2023-10-11T00:01:00Z' } }, () => 'order.placedAt')).toMatchObject({ ok: true, version: 1, versionAsOf: '2023-10-10T23:59:00Z' });
  });

  it('a missing or invalid placedAt is a problem at /order/placedAt under "order.placedAt" only', () => {
    for (const input of [{}, { order: {} }, { order: { placedAt: null } }, null, [1]]) {
      expect(versionInstant('order.placedAt', '2024-01-01T00:00:00Z', input)).toMatchObject({ ok: false, problem: { path: '/order/placedAt', message: expect.stringMatching(/^is required/) } });
    }
    for (const placedAt of ['2023-11-20', 'yesterday', 20231120, '2023-13-01T00:00:00Z']) {
      expect(versionInstant('order.placedAt', '2024-01-01T00:00:00Z', { order: { placedAt } })).toMatchObject({ ok: false, problem: { path: '/order/placedAt', message: expect.stringMatching(/^must be an ISO-8601 date-time/) } });
    }
    expect(versionInstant('decision', '2024-01-01T00:00:00Z', {})).toEqual({ ok: true, asOf: '2024-01-01T00:00:00Z' });
  });

  it('no version active when the order was placed is "no active version", naming that instant', () => {
    const later: Activation[] = [{ version: 1, from: '2023-01-01T00:00:00Z' }];
    expect(chooseVersion(later, '2023-06-01T00:00:00Z', { order: { placedAt: '2022-12-31T00:00:00Z' } }, () => 'order.placedAt')).toEqual({ ok: false, kind: 'no_active_version', asOf: '2022-12-31T00:00:00Z', pinTo: 'order.placedAt' });
  });
});

describe('both pin modes on the holiday activation (LocalCatalog: what the CLI decides)', () => {
  for (const [name, c] of Object.entries(pinCases)) {
    it(`order ${name}: "decision" gives version ${c.decision.version}, "order.placedAt" version ${c.order.version}, with their own returnBy`, () => {
      for (const [policy, expected, pinTo] of [['returns', c.decision, 'decision'], ['returns-by-order', c.order, 'order.placedAt']] as const) {
        const outcome = catalog.decide('solum', policy, c.input, c.at);
        if (!outcome.ok) throw new Error(JSON.stringify(outcome));
        expect(outcome.answer).toMatchObject({ version: expected.version, at: c.at, versionAsOf: expected.versionAsOf, pinTo });
        expect(outcome.answer.decision).toMatchObject({ eligible: expected.eligible, returnBy: expected.returnBy });
      }
    });
  }

  it('the holiday version decides a holiday purchase exactly as it does under "decision" inside the window', () => {
    // Inside the overlay both modes pick version 2 for an order bought in the holiday range.
    const input = pinCases.Q.input;
    const a = catalog.decide('solum', 'returns', input, '2024-01-20T12:00:00Z');
    const b = catalog.decide('solum', 'returns-by-order', input, '2024-01-20T12:00:00Z');
    if (!a.ok || !b.ok) throw new Error('not decided');
    expect([a.answer.version, b.answer.version]).toEqual([2, 2]);
    expect(b.answer.decision).toEqual(a.answer.decision);
    expect(a.answer.decision).toMatchObject({ eligible: true, returnBy: '2024-01-31' });
  });

  it('answers "no active version" naming the order date when no version was in force then', () => {
    const source = catalog.policy('solum', 'returns-by-order')!;
    const later = new LocalCatalog([{ tenant: 'solum', name: 'Solum', samples: [], policies: [{ ...source, activations: [{ version: 1, from: '2023-10-01T00:00:00Z' }] }] }]);
    // Decided Nov 1 (version 1 in force and pinned to the order), bought Sep 20: nothing was in force then.
    const outcome = later.decide('solum', 'returns-by-order', pinCases.P.input, pinCases.P.at);
    expect(outcome).toMatchObject({ ok: false, kind: 'no_active_version', message: 'no version of solum/returns-by-order is active at 2023-09-20T10:00:00Z (when the order was placed)' });
  });

  it('refuses an order without placedAt under "order.placedAt", naming /order/placedAt', () => {
    const input = structuredClone(pinCases.Q.input) as { order: Record<string, unknown> };
    delete input.order.placedAt;
    const pinned = catalog.decide('solum', 'returns-by-order', input, pinCases.Q.at);
    expect(pinned).toMatchObject({ ok: false, kind: 'invalid_input', problems: [{ path: '/order/placedAt' }] });
  });
});
