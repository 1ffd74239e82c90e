/**
 * Decide routes (DESIGN.md, "Fixed entry points"):
 *   POST /v1/policies/{policy}/decide        {input, at?, trace?} → {id, tenant, policy, version, at, decision, trace?}
 *   POST /v1/policies/{policy}/decide/batch  {requests: [...]}    → {results: [answer | problem, ...]}
 * Roles: admin, editor, decider (viewer: 403). Answered only once the decision is logged.
 */
import type { Hono } from 'hono';
import { ServiceError } from '../../errors.ts';
import type { DecideRequest } from '../../services/decide.ts';
import { allow } from '../auth.ts';
import { readJsonBody } from '../body.ts';
import type { AppDeps, AppEnv } from '../types.ts';

export function registerDecide(app: Hono<AppEnv>, deps: AppDeps): void {
  app.post('/v1/policies/:policy/decide', allow('decide'), async (c) => {
    const request = await readJsonBody<DecideRequest>(c, 'api/decide-request.schema.json');
    const answer = await deps.decider.decide({ actor: c.get('actor'), policy: c.req.param('policy'), request });
    return c.json(answer);
  });

  app.post('/v1/policies/:policy/decide/batch', allow('decide'), async (c) => {
    const { requests } = await readJsonBody<{ requests: DecideRequest[] }>(c, 'api/decide-batch-request.schema.json');
    const max = deps.config.decideBatchMax;
    if (requests.length > max) {
      throw new ServiceError('invalid_body', `a batch holds at most ${max} requests (DECIDE_BATCH_MAX)`, [{ path: '/requests', message: `must have at most ${max} items, got ${requests.length}` }]);
    }
    const results = await deps.decider.decideBatch({ actor: c.get('actor'), policy: c.req.param('policy'), requests, requestId: c.get('requestId') });
    return c.json({ results });
  });
}
