/**
 * Simulation (DESIGN.md "Versions, tenants, simulation"):
 *   POST /v1/policies/{policy}/simulate   (write: editor, admin)
 *     {candidate, baseline?, cases, page?} → {policy, candidate, baseline, summary, changes, errors, nextCursor?}
 *     With `Accept: application/x-ndjson`: one JSON line per changed case as it is computed,
 *     progress lines, and a last line with the summary (or a problem).
 *
 * Why `write` and not `read`: simulating is staff planning a change (the issue gives it to
 * editors with drafts and publishing), it can run a draft nobody has published, and it is the
 * most expensive request of the API (up to SIMULATE_MAX_CASES evaluations times two). Viewers
 * read the results through an editor, or replay single decisions (read).
 */
import type { Hono } from 'hono';
import { schemaRegistry } from '../../catalog/schema-files.ts';
import { simulate, simulateStream } from '../../services/simulate.ts';
import type { SimulateDeps } from '../../services/simulate.ts';
import type { SimulateRequest } from '../../types/schemas.gen.ts';
import { ndjsonResponse, wantsNdjson } from '../ndjson.ts';
import { holdDeadline } from '../request-timeout.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

export const simulateRoutes = {
  simulate: {
    method: 'post',
    path: '/v1/policies/{policy}/simulate',
    tag: 'simulation',
    summary: 'Simulate a change',
    description:
      'Decides the same cases with a candidate (`{"draft": true}`, `{"version": n}` or an unsaved `{"document": {...}}`) and a baseline ' +
      '(default: the version active at each case\'s `at`; or `{"version": n}`; or, over logged decisions, `{"logged": true}`) and reports every ' +
      'decision that changes (before/after, rule before/after, each changed field) and a summary over the whole set: cases evaluated, changed, ' +
      'failed per side, rule transitions, and per field the money moved up and down. Cases: the tenant\'s samples (`{"samples": true}` or names), ' +
      'inline orders, or the policy\'s logged decisions in a time range, each with its own input and `at`. At most SIMULATE_MAX_CASES cases ' +
      '(default 100,000) and SIMULATE_TIMEOUT_MS (default 60 s) per request (422 beyond); a case whose input fails the input schema is that case\'s ' +
      'error, never a failed request. The changed cases are paged (`page.limit`, `page.cursor` ← `nextCursor`; every page recomputes the set, so ' +
      'the summary is always whole). With `Accept: application/x-ndjson` the answer is streamed instead, one line per event ' +
      '(schemas/api/simulate-stream-line.schema.json): `{"progress"}`, `{"change"}` per changed case as soon as it is computed, `{"error"}`, and ' +
      'last `{"summary", ...}` or `{"problem"}`. Nothing is logged.',
    permission: 'write',
    body: 'api/simulate-request.schema.json',
    headers: [
      {
        name: 'Accept',
        description: 'application/x-ndjson to stream the run (lines of schemas/api/simulate-stream-line.schema.json); anything else answers one JSON document.',
        schema: { type: 'string' },
      },
    ],
    responses: {
      200: { description: 'The summary, a page of changed cases and the first failed cases (or, with Accept: application/x-ndjson, the stream of lines)', schema: 'api/simulate-response.schema.json' },
    },
  },
} satisfies Record<string, RouteSpec>;

/** The simulation's dependencies out of the app's. */
export function simulateDeps(deps: AppDeps): SimulateDeps {
  return { db: deps.db, cache: deps.cache, registry: schemaRegistry(), maxCases: deps.config.simulateMaxCases, timeoutMs: deps.config.simulateTimeoutMs, sandbox: deps.sandbox };
}

export function registerSimulate(app: Hono<AppEnv>, deps: AppDeps): void {
  const sim = simulateDeps(deps);

  route<SimulateRequest>(app, simulateRoutes.simulate, async (c, input) => {
    holdDeadline(c, 'the simulation');
    const verb = { actor: c.get('actor'), policy: c.req.param('policy')!, input };
    if (!wantsNdjson(c)) return c.json(await simulate(sim, verb));

    // Everything that can be a 4xx is checked before this returns: a stream that starts is a 200.
    const stop = new AbortController();
    const lines = await simulateStream(sim, verb, {
      signal: stop.signal,
      requestId: c.get('requestId'),
      onError: (err) => deps.logger.error({ err, requestId: c.get('requestId') }, 'simulation stream failed'),
    });
    return ndjsonResponse(c, lines, stop);
  });
}
