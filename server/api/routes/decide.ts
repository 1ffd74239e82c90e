/**
 * Decide routes (DESIGN.md, "Fixed entry points"):
 *   POST /v1/policies/{policy}/decide        {input, at?, trace?} → {id, tenant, policy, version, at, decision, trace?}
 *   POST /v1/policies/{policy}/decide/batch  {requests: [...]}    → {results: [answer | problem, ...]}
 * Roles: admin, editor, decider (viewer: 403). Answered only once the decision is logged.
 */
import type { Hono } from 'hono';
import { ServiceError } from '../../errors.ts';
import type { DecideRequest } from '../../services/decide.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

export const decideRoutes = {
  decide: {
    method: 'post',
    path: '/v1/policies/{policy}/decide',
    tag: 'decisions',
    summary: 'Decide',
    description: 'Decides with the version of the policy active at `at` (default: now), or, when that version has `pinTo: "order.placedAt"`, with the version active when the order was placed (`input.order.placedAt`; missing or invalid: a 400 at /input/order/placedAt). The answer says which version decided and as of which instant (`version`, `versionAsOf`, `pinTo`). The input is validated against the policy\'s input schema first: a 400 lists every problem with its JSON path. The answer is sent once the decision is in the decision log.',
    permission: 'decide',
    body: 'api/decide-request.schema.json',
    responses: { 200: { description: 'The decision', schema: 'api/decision-answer.schema.json' } },
  },
  batch: {
    method: 'post',
    path: '/v1/policies/{policy}/decide/batch',
    tag: 'decisions',
    summary: 'Decide a batch',
    description: 'Decides up to DECIDE_BATCH_MAX requests in one call; each result is an answer or a problem for that request alone.',
    permission: 'decide',
    body: 'api/decide-batch-request.schema.json',
    responses: { 200: { description: 'One result per request, in order', schema: 'api/decide-batch-response.schema.json' } },
  },
} satisfies Record<string, RouteSpec>;

export function registerDecide(app: Hono<AppEnv>, deps: AppDeps): void {
  route<DecideRequest>(app, decideRoutes.decide, async (c, request) => {
    const answer = await deps.decider.decide({ actor: c.get('actor'), policy: c.req.param('policy')!, request, deadline: c.get('deadline') });
    return c.json(answer);
  });

  route<{ requests: DecideRequest[] }>(app, decideRoutes.batch, async (c, { requests }) => {
    const max = deps.config.decideBatchMax;
    if (requests.length > max) {
      throw new ServiceError('invalid_body', `a batch holds at most ${max} requests (DECIDE_BATCH_MAX)`, [{ path: '/requests', message: `must have at most ${max} items, got ${requests.length}` }]);
    }
    const results = await deps.decider.decideBatch({ actor: c.get('actor'), policy: c.req.param('policy')!, requests, requestId: c.get('requestId'), deadline: c.get('deadline') });
    return c.json({ results });
  });
}
