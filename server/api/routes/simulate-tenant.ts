/**
 * The tenant-wide what-if (issue 8, point 4):
 *   POST /v1/simulate   (write: editor, admin)
 *     {changes: [{policy, candidate}], policies?, cases: samples | orders | logged decisions, page?} → {policies, summary, orders, more?, nextCursor?, errors}
 *     With `Accept: application/x-ndjson`: progress lines, one line per changed order as it is
 *     compared, failed decisions, and a last line with the summary (or a problem).
 *
 * `write` for the same reasons as the policy simulation (routes/simulate.ts): staff planning
 * over drafts, and the most expensive request of the API.
 */
import type { Hono } from 'hono';
import { simulateTenant, simulateTenantStream } from '../../services/simulate-tenant.ts';
import type { SimulateTenantRequest } from '../../types/schemas.gen.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';
import { ndjsonResponse, wantsNdjson } from '../ndjson.ts';
import { holdDeadline } from '../request-timeout.ts';
import { simulateDeps } from './simulate.ts';

export const simulateTenantRoutes = {
  simulateTenant: {
    method: 'post',
    path: '/v1/simulate',
    tag: 'simulation',
    summary: 'Simulate changes to several policies',
    description:
      'A what-if over several policies of the tenant and the same orders, with one combined summary. Each entry of `changes` names a policy ' +
      'and its candidate (`{"draft": true}`, `{"version": n}` or an unsaved `{"document": {...}}`), compared with the version that decides each ' +
      'case today (the version active at its `at`, or at its order\'s placedAt when that version pins to it); `policies` lists policies evaluated ' +
      'unchanged over the same orders. Orders: the tenant\'s samples (`{"samples": true}` or names), inline `{id?, order, requests: {policy: request}, at?}`, ' +
      'or the policies\' logged decisions in a range (`{"decisions": {from, until?, limit?}}`, grouped by input.order.id, the latest per order and policy); ' +
      'each order is decided by every policy of the simulation it has a request for. The summary covers every order: orders, changed orders, ' +
      'decisions evaluated and changed, failures per side, rule transitions per policy, per policy the summary of POST /v1/policies/{policy}/simulate, ' +
      'and per decision field the money moved by every policy added up (and again per currency). The changed orders come a page at a time (`page.limit`, default 100; ' +
      '`page.cursor` ← `nextCursor`; every page recomputes the run, so the summary is always whole), each with the policies ' +
      'that changed and each changed decision before and after. A policy key of another tenant is answered exactly as a missing one (422 naming ' +
      'the body path). At most SIMULATE_MAX_CASES decisions and SIMULATE_TIMEOUT_MS per request. With `Accept: application/x-ndjson` the answer ' +
      'is streamed (schemas/api/simulate-tenant-stream-line.schema.json): `{"progress"}`, `{"order"}` per changed order, `{"error"}`, and last ' +
      '`{"summary", "policies"}` or `{"problem"}`. Nothing is logged.',
    permission: 'write',
    body: 'api/simulate-tenant-request.schema.json',
    headers: [
      {
        name: 'Accept',
        description: 'application/x-ndjson to stream the run (lines of schemas/api/simulate-tenant-stream-line.schema.json); anything else answers one JSON document.',
        schema: { type: 'string' },
      },
    ],
    responses: {
      200: { description: 'The combined summary, the first changed orders and the first failed decisions (or, with Accept: application/x-ndjson, the stream of lines)', schema: 'api/simulate-tenant-response.schema.json' },
    },
  },
} satisfies Record<string, RouteSpec>;

export function registerSimulateTenant(app: Hono<AppEnv>, deps: AppDeps): void {
  const sim = simulateDeps(deps);

  route<SimulateTenantRequest>(app, simulateTenantRoutes.simulateTenant, async (c, input) => {
    holdDeadline(c, 'the simulation');
    const verb = { actor: c.get('actor'), input };
    if (!wantsNdjson(c)) return c.json(await simulateTenant(sim, verb));

    // Everything that can be a 4xx is checked before this returns: a stream that starts is a 200.
    const stop = new AbortController();
    const lines = await simulateTenantStream(sim, verb, {
      signal: stop.signal,
      requestId: c.get('requestId'),
      onError: (err) => deps.logger.error({ err, requestId: c.get('requestId') }, 'tenant simulation stream failed'),
    });
    return ndjsonResponse(c, lines, stop);
  });
}
