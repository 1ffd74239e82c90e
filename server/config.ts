/**
 * The service's configuration: every setting is an environment variable with a safe default,
 * parsed and validated once at start-up. Nothing reads process.env after this; the parsed
 * object is passed to whatever needs it, so tests configure the service without touching env.
 *
 * @example
 *   const config = parseConfig(process.env);   // throws ConfigError listing every bad variable
 *   config.port;                               // 8787
 */
import { fileURLToPath } from 'node:url';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  databaseAuthToken: string | undefined;
  /** How long a write waits for another process's lock on an embedded database file. */
  busyTimeoutMs: number;
  logLevel: LogLevel;
  /**
   * Group commit: extra milliseconds a flush waits to gather more decisions. 0 (the default)
   * flushes at the end of the event-loop turn, which already puts every decision that arrived
   * together into one transaction: measured, 5 ms added 5 ms to every answer at low load and
   * no throughput at 50 connections.
   */
  decisionLogFlushMs: number;
  /** Most decisions written in one transaction. */
  decisionLogMaxBatch: number;
  /** Decisions queued before decide calls wait for room (backpressure, bounded memory). */
  decisionLogMaxQueue: number;
  /** How often each process reads the change feed (publishes, activations, key revocations). */
  changePollMs: number;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Most requests in one POST .../decide/batch. */
  decideBatchMax: number;
  /** Compiled policy versions kept per process (least recently used are dropped beyond it). */
  policyCacheMax: number;
  /** How often `last_used_at` of API keys is written (batched, off the request path). */
  keyTouchFlushMs: number;
  /** The policies/ folder an empty database is seeded from. */
  policiesDir: string;
  /** Most cases (samples, orders or logged decisions) one simulation evaluates. */
  simulateMaxCases: number;
  /** Wall-clock budget of one simulation; beyond it the request fails (422) instead of running on. */
  simulateTimeoutMs: number;
  /**
   * OPERATOR_KEY: a platform-operator credential (create tenants, list templates), besides the
   * operator keys made with `keys create --operator`. Unset (the default): none from the environment.
   */
  operatorKey: string | undefined;
  /**
   * The sandbox (server/sandbox/pool.ts) that evaluates drafts, unsaved documents and
   * simulations off the main thread: its worker threads, the wall-clock budget of one task
   * (a draft's test run, a chunk of simulation cases, a replay), and each worker's heap.
   * Past either budget the worker is stopped and replaced, and the request answers 422.
   */
  sandboxWorkers: number;
  sandboxTimeoutMs: number;
  sandboxMemoryMb: number;
  /**
   * Wall-clock limit of one request until its answer starts; past it the request answers 503
   * (Retry-After). A decide whose decision has been handed to the decision log is not cut: it
   * answers when the log has committed it. Simulations have SIMULATE_TIMEOUT_MS instead. 0 = none.
   */
  requestTimeoutMs: number;
  /** Per API key and process: requests per second sustained (a token bucket), 0 = no limit; 429 beyond. */
  rateLimitPerSecond: number;
  /** Per API key: requests that may come at once on top of the rate (the bucket's size). */
  rateLimitBurst: number;
  /** Per client address: requests without a valid key (none, malformed, unknown, revoked, public routes) per second; 0 = no limit. */
  rateLimitAnonPerSecond: number;
  rateLimitAnonBurst: number;
  /** The work budget of one evaluation (a decide): iteration steps, and the largest array or string it may build. */
  evalMaxSteps: number;
  evalMaxCollection: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Parses and validates the environment; throws one ConfigError naming every bad variable. */
export function parseConfig(env: Env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  /** An integer from min to max, or 0 for "off". */
  const intOrOff = (name: string, fallback: number, min: number, max: number): number => {
    const value = int(name, fallback, 0, max);
    if (value !== 0 && value < min) {
      problems.push(`${name}=${JSON.stringify(env[name]?.trim())}: must be 0 (off) or an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const str = (name: string, fallback: string): string => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? fallback : raw;
  };

  const databaseUrl = str('DATABASE_URL', 'file:data/policy.db');
  if (!/^(file|libsql|https?|wss?):/.test(databaseUrl)) {
    problems.push(`DATABASE_URL=${JSON.stringify(databaseUrl)}: must be a file:, libsql:, http(s): or ws(s): URL`);
  }
  const logLevel = str('LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${JSON.stringify(logLevel)}: must be one of ${LOG_LEVELS.join(', ')}`);

  const config: Config = {
    // 0 asks the OS for a free port (the tests use it).
    port: int('PORT', 8787, 0, 65535),
    host: str('HOST', '127.0.0.1'),
    databaseUrl,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN?.trim() || undefined,
    busyTimeoutMs: int('DATABASE_BUSY_TIMEOUT_MS', 5000, 0, 600_000),
    logLevel,
    decisionLogFlushMs: int('DECISION_LOG_FLUSH_MS', 0, 0, 10_000),
    decisionLogMaxBatch: int('DECISION_LOG_MAX_BATCH', 500, 1, 10_000),
    decisionLogMaxQueue: int('DECISION_LOG_MAX_QUEUE', 10_000, 1, 1_000_000),
    changePollMs: int('CHANGE_POLL_MS', 200, 10, 60_000),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    decideBatchMax: int('DECIDE_BATCH_MAX', 100, 1, 10_000),
    policyCacheMax: int('POLICY_CACHE_MAX', 10_000, 10, 10_000_000),
    keyTouchFlushMs: int('KEY_TOUCH_FLUSH_MS', 10_000, 100, 3_600_000),
    policiesDir: str('POLICIES_DIR', fileURLToPath(new URL('../policies/', import.meta.url))),
    simulateMaxCases: int('SIMULATE_MAX_CASES', 100_000, 1, 10_000_000),
    simulateTimeoutMs: int('SIMULATE_TIMEOUT_MS', 60_000, 100, 3_600_000),
    operatorKey: env.OPERATOR_KEY?.trim() || undefined,
    sandboxWorkers: int('SANDBOX_WORKERS', 2, 1, 64),
    sandboxTimeoutMs: int('SANDBOX_TIMEOUT_MS', 10_000, 100, 600_000),
    // The engine, ajv and the schemas take ~40 MB of a worker's heap before any task.
    sandboxMemoryMb: int('SANDBOX_MEMORY_MB', 256, 64, 16_384),
    requestTimeoutMs: intOrOff('REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
    // Above what one process serves (about 7,000 decides a second measured, BENCHMARKS.md), so
    // the default never slows a client down; set it to what each key may have.
    rateLimitPerSecond: intOrOff('RATE_LIMIT_PER_SECOND', 10_000, 1, 1_000_000),
    rateLimitBurst: 0,
    rateLimitAnonPerSecond: intOrOff('RATE_LIMIT_ANON_PER_SECOND', 100, 1, 1_000_000),
    rateLimitAnonBurst: 0,
    evalMaxSteps: int('EVAL_MAX_STEPS', 1_000_000, 100, 1_000_000_000),
    evalMaxCollection: int('EVAL_MAX_COLLECTION', 100_000, 100, 100_000_000),
  };
  // Bursts default to twice the rate.
  config.rateLimitBurst = int('RATE_LIMIT_BURST', Math.max(1, config.rateLimitPerSecond * 2), 1, 10_000_000);
  config.rateLimitAnonBurst = int('RATE_LIMIT_ANON_BURST', Math.max(1, config.rateLimitAnonPerSecond * 5), 1, 10_000_000);
  if (config.operatorKey !== undefined && (config.operatorKey.length < 32 || /\s/.test(config.operatorKey) || config.operatorKey.startsWith('pk_'))) {
    problems.push('OPERATOR_KEY: must be at least 32 characters without spaces, and not start with "pk_" (tenant keys do); e.g. openssl rand -base64 33');
  }
  if (config.decisionLogMaxQueue < config.decisionLogMaxBatch) {
    problems.push(`DECISION_LOG_MAX_QUEUE (${config.decisionLogMaxQueue}) must be at least DECISION_LOG_MAX_BATCH (${config.decisionLogMaxBatch})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
