/**
 * `policy decide` with effective-date pinning, on Solum's 2023 holiday activation ("For the 2023
 * Holiday Season, most of the items purchased between October 11 and December 25, 2023 can be
 * returned until January 31, 2024."), from a policies/ folder given by POLICIES_DIR holding the
 * seed returns policy ("decision") and returns-by-order ("order.placedAt"):
 * test/helpers/pinned-policies.ts, where the expected versions are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { pinCases, pinnedPoliciesDir } from '../helpers/pinned-policies.ts';

const env = { POLICIES_DIR: pinnedPoliciesDir() };

describe('policy decide with pinTo', () => {
  it('prints the version each pin mode chooses, as of which instant, for the order placed Nov 20 decided Feb 10', async () => {
    const c = pinCases.Q;
    const [byDecision, byOrder] = await Promise.all([
      runCli(['decide', 'solum/returns', '--at', c.at, '--input', '-'], JSON.stringify(c.input), env),
      runCli(['decide', 'solum/returns-by-order', '--at', c.at, '--input', '-'], JSON.stringify(c.input), env),
    ]);
    expect(byDecision.code, byDecision.stderr).toBe(0);
    expect(byOrder.code, byOrder.stderr).toBe(0);
    const a = JSON.parse(byDecision.stdout);
    const b = JSON.parse(byOrder.stdout);
    expect(a).toMatchObject({ version: c.decision.version, at: c.at, versionAsOf: c.decision.versionAsOf, pinTo: 'decision', decision: { eligible: c.decision.eligible, returnBy: c.decision.returnBy } });
    expect(b).toMatchObject({ version: c.order.version, at: c.at, versionAsOf: c.order.versionAsOf, pinTo: 'order.placedAt', decision: { eligible: c.order.eligible, returnBy: c.order.returnBy } });
  });

  it('and for the order placed Sep 20 decided Nov 1', async () => {
    const c = pinCases.P;
    const r = await runCli(['decide', 'solum/returns-by-order', '--at', c.at, '--input', '-'], JSON.stringify(c.input), env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: 1, versionAsOf: c.order.versionAsOf, pinTo: 'order.placedAt', decision: { eligible: false, returnBy: '2023-10-23' } });
  });

  it('exits 2 naming /order/placedAt when an order-pinned policy gets an order without a valid placedAt', async () => {
    const input = structuredClone(pinCases.Q.input) as { order: Record<string, unknown> };
    input.order.placedAt = 'November 20';
    const r = await runCli(['decide', 'solum/returns-by-order', '--at', pinCases.Q.at, '--input', '-'], JSON.stringify(input), env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\/order\/placedAt: must be an ISO-8601 date-time/);
  });
});
