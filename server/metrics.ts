/**
 * Prometheus metrics of one process, on a registry of its own (not prom-client's global one),
 * so that two app instances in one test process do not collide. The HTTP request count and
 * latency by route and status (httpRequests, httpDuration) are counted by api/envelope.ts.
 *
 * Tenant and policy are labels: their number is bounded by the database (unknown policy names
 * are never used as labels, only policies that exist and were decided).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  decisions: Counter<'tenant' | 'policy' | 'outcome'>;
  logFlushBatchSize: Histogram;
  logFlushSeconds: Histogram;
  logQueueDepth: Gauge;
  logFlushFailures: Counter;
  rateLimited: Counter<'scope'>;
  /** Every request by method, route pattern and status (api/envelope.ts). */
  httpRequests: Counter<HttpLabel>;
  httpDuration: Histogram<HttpLabel>;
}

export type HttpLabel = 'method' | 'route' | 'status' | 'ok';

const HTTP_LABELS = ['method', 'status', 'ok', 'route'] as const;

export function createMetrics(options: { queueDepth: () => number; defaultMetrics?: boolean }): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    decisions: new Counter({
      name: 'policy_decisions_total',
      help: 'Decision requests that reached a policy, by tenant, policy and outcome (decided, invalid_input, failed).',
      labelNames: ['tenant', 'policy', 'outcome'] as const,
      registers: [registry],
    }),
    logFlushBatchSize: new Histogram({
      name: 'policy_decision_log_flush_batch_size',
      help: 'Decisions written per decision-log transaction (group commit).',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers: [registry],
    }),
    logFlushSeconds: new Histogram({
      name: 'policy_decision_log_flush_seconds',
      help: 'Time to write and commit one decision-log batch.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    logQueueDepth: new Gauge({
      name: 'policy_decision_log_queue_depth',
      help: 'Decisions waiting to be written to the decision log.',
      registers: [registry],
      collect() {
        this.set(options.queueDepth());
      },
    }),
    logFlushFailures: new Counter({
      name: 'policy_decision_log_flush_failures_total',
      help: 'Decision-log batches that could not be written (their decisions were answered 5xx).',
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'policy_rate_limited_total',
      help: 'Requests answered 429 by a rate limit: scope "key" (RATE_LIMIT_PER_SECOND) or "address" (requests without a valid key, RATE_LIMIT_ANON_PER_SECOND).',
      labelNames: ['scope'] as const,
      registers: [registry],
    }),
    // The names, labels and help @hono/prometheus gives them (with the prefix policy_), so
    // dashboards built on them keep working.
    httpRequests: new Counter({
      name: 'policy_http_requests_total',
      help: 'Total number of HTTP requests',
      labelNames: HTTP_LABELS,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'policy_http_request_duration_seconds',
      help: 'Duration of HTTP requests in seconds',
      labelNames: HTTP_LABELS,
      // Decide answers in a few milliseconds: the default buckets start at 5 ms.
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
