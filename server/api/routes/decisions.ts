/**
 * The decision log (DESIGN.md: "queryable by policy, time and outcome, and replayable against
 * any version"):
 *   GET  /v1/decisions                 (read)  ?policy&version&from&until&rule&field&value&limit&cursor, newest first
 *   GET  /v1/decisions/{id}            (read)  with input and trace (stored, or ?trace=recompute)
 *   POST /v1/decisions/{id}/replay     (read)  {version?} | {draft: true} → logged vs replayed, equal, changes
 * Replaying computes and compares; it logs nothing, so it is a read (viewers may check a
 * decision). Another tenant's decision id answers 404 exactly like an unknown one.
 */
import type { Hono } from 'hono';
import { getDecision, listDecisions, MAX_LIMIT, DEFAULT_LIMIT, replayDecision } from '../../services/decisions.ts';
import type { DecisionQueryParams } from '../../services/decisions.ts';
import type { ReplayRequest } from '../../types/schemas.gen.ts';
import { readQuery } from '../query.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';
import { simulateDeps } from './simulate.ts';

const instant = { type: 'string', format: 'date-time' };
const name = { type: 'string', minLength: 1, maxLength: 200 };

export const decisionRoutes = {
  list: {
    method: 'get',
    path: '/v1/decisions',
    tag: 'decisions',
    summary: 'Query the decision log',
    description:
      'The tenant\'s logged decisions matching every given filter, newest first (by `at`, then id), a page at a time (`nextCursor` → `cursor`, same filters). ' +
      'Inputs and traces are left out (GET /v1/decisions/{id} has them). `field` + `value` filter on an outcome: `field=eligible&value=false`, ' +
      '`field=refundEta.maxBusinessDays&value=5`, `field=items.0.rule&value=within-return-window` (strict JSON equality: false is not 0). ' +
      'Fastest with `policy` and a time range (index on tenant, policy, at).',
    permission: 'read',
    query: [
      { name: 'policy', description: 'Only this policy\'s decisions.', schema: name },
      { name: 'version', description: 'Only decisions made by this version (needs no policy, but means little without one).', schema: { type: 'integer', minimum: 1 } },
      { name: 'from', description: 'Only decisions with `at` at or after this instant (ISO-8601 with a time zone).', schema: instant },
      { name: 'until', description: 'Only decisions with `at` before this instant (exclusive).', schema: instant },
      { name: 'rule', description: 'Only decisions this rule decided (the decision\'s `rule`).', schema: name },
      { name: 'field', description: 'A decision field, dotted (`refundEta.maxBusinessDays`, `items.0.eligible`) or a JSON Pointer; with `value`.', schema: name },
      { name: 'value', description: 'The JSON value `field` must have: `false`, `0`, `null`, `"text"`; text that is not JSON is a string (`value=credit_card`).', schema: { type: 'string', maxLength: 1000 } },
      { name: 'limit', description: `Decisions per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT } },
      { name: 'cursor', description: 'The nextCursor of the previous page.', schema: { type: 'string', minLength: 1, maxLength: 400 } },
    ],
    responses: { 200: { description: 'A page of decisions, newest first', schema: 'api/decision-list.schema.json' } },
  },
  get: {
    method: 'get',
    path: '/v1/decisions/{id}',
    tag: 'decisions',
    summary: 'Get a logged decision',
    description:
      'One decision with the input it was made on and, when it was requested at decide time, its stored trace. `?trace=recompute` replays it with ' +
      'the deciding version and returns that trace (`traceSource: "recomputed"`); evaluation is pure, so it is the trace the decision had.',
    permission: 'read',
    query: [
      { name: 'trace', description: '`recompute`: replay the decision with tracing on and include the trace.', schema: { enum: ['recompute'] } },
      { name: 'explain', description: '`true`: include `explanation`, the reasons in plain language, recomputed by replaying the deciding version (so the text it had when decided).', schema: { type: 'boolean' } },
      { name: 'language', description: 'With explain: the language of the explanation (default: the order\'s customer.language, else the tenant\'s).', schema: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' } },
    ],
    responses: { 200: { description: 'The decision', schema: 'api/logged-decision.schema.json' } },
  },
  replay: {
    method: 'post',
    path: '/v1/decisions/{id}/replay',
    tag: 'decisions',
    summary: 'Replay a logged decision',
    description:
      'Recomputes the decision from its logged input and `at`: with `{}` the version that made it (which must give exactly the logged decision: ' +
      '`equal: true`), with `{"version": n}` another version, with `{"draft": true}` the policy\'s draft, and lists every field that differs from ' +
      'the logged decision. A version or draft that does not exist answers 422 with its path. Nothing is logged.',
    permission: 'read',
    body: 'api/replay-request.schema.json',
    responses: { 200: { description: 'The logged and the replayed outcome and their differences', schema: 'api/replay-response.schema.json' } },
  },
} satisfies Record<string, RouteSpec>;

export function registerDecisions(app: Hono<AppEnv>, deps: AppDeps): void {
  const svc = simulateDeps(deps);

  route(app, decisionRoutes.list, async (c) => {
    const query = readQuery<DecisionQueryParams & Record<string, unknown>>(c, decisionRoutes.list);
    return c.json(await listDecisions(svc, { actor: c.get('actor'), query }));
  });

  route(app, decisionRoutes.get, async (c) => {
    const { trace, explain, language } = readQuery<{ trace?: 'recompute'; explain?: boolean; language?: string }>(c, decisionRoutes.get);
    return c.json(await getDecision(svc, { actor: c.get('actor'), id: c.req.param('id')!, ...(trace ? { trace } : {}), ...(explain ? { explain } : {}), ...(language ? { language } : {}) }));
  });

  route<ReplayRequest>(app, decisionRoutes.replay, async (c, input) => {
    return c.json(await replayDecision(svc, { actor: c.get('actor'), id: c.req.param('id')!, input }));
  });
}
