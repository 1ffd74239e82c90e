/**
 * Assembles one process's services from the config, in dependency order, and takes them down
 * in reverse: database → migrations → first-start seed → change poller → caches → decision
 * log → verbs. main.ts serves an app over it; the tests start several on one database file.
 *
 * @example
 *   const rt = await startRuntime(parseConfig(process.env));
 *   const app = createApp(rt);
 *   ...
 *   await rt.close();   // flushes the decision log and key usage, closes the database
 */
import { schemaRegistry } from './catalog/schema-files.ts';
import type { Config } from './config.ts';
import { DecisionLogWriter } from './decisions/log-writer.ts';
import { createLogger } from './logger.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import type { Metrics } from './metrics.ts';
import { Authenticator } from './services/authenticator.ts';
import { ChangePoller } from './services/change-poller.ts';
import { createDecider } from './services/decide.ts';
import type { Decider } from './services/decide.ts';
import { PolicyCache } from './services/policy-cache.ts';
import { Sandbox } from './sandbox/pool.ts';
import { BatchWriter } from './store/batch-writer.ts';
import { isLocalFile, openDatabase } from './store/client.ts';
import type { Client } from './store/client.ts';
import { migrate } from './store/migrate.ts';
import { seedIfEmpty } from './store/seed.ts';
import type { SeedReport } from './store/seed.ts';

export interface Runtime {
  config: Config;
  db: Client;
  logger: Logger;
  metrics: Metrics;
  cache: PolicyCache;
  auth: Authenticator;
  poller: ChangePoller;
  log: DecisionLogWriter;
  decider: Decider;
  /** Worker threads that evaluate drafts, unsaved documents and simulations under a time and memory budget. */
  sandbox: Sandbox;
  seed: SeedReport;
  /** Stops polling, flushes the decision log and key usage, closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Opens the database and makes it ready (migrated, seeded if empty), for the server and the CLI. */
export async function openStore(config: Config): Promise<{ db: Client; seed: SeedReport }> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    return { db, seed: await seedIfEmpty(db, config.policiesDir) };
  } catch (err) {
    db.close();
    throw err;
  }
}

export async function startRuntime(config: Config, options: { logger?: Logger } = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { db, seed } = await openStore(config);
  if (seed.seeded) logger.info({ seed: { ...seed, problems: seed.problems.length } }, 'seeded an empty database from policies/');
  for (const p of seed.problems) logger.warn({ file: p.file, path: p.path }, `seed: ${p.message}`);

  let log: DecisionLogWriter | null = null;
  const metrics = createMetrics({ queueDepth: () => log?.depth ?? 0 });
  const cache = new PolicyCache(db, { registry: schemaRegistry(), max: config.policyCacheMax });
  const auth = new Authenticator(db, { touchFlushMs: config.keyTouchFlushMs, operatorKey: config.operatorKey, onError: (err) => logger.error({ err }, 'could not record key usage') });
  const poller = new ChangePoller(db, config.changePollMs, [(c) => cache.onChange(c), (c) => auth.onChange(c)], (err) =>
    logger.error({ err }, 'change feed poll failed'),
  );
  // Before anything is cached: every change committed from here on is seen.
  await poller.start();
  // A database file: the decision log commits on a worker thread, so its fsync does not stop
  // the main thread (server/store/batch-writer.ts). A remote database: through the client.
  let logSink: BatchWriter | Client = db;
  if (isLocalFile(config.databaseUrl)) {
    try {
      logSink = await BatchWriter.open({ databaseUrl: config.databaseUrl, busyTimeoutMs: config.busyTimeoutMs });
    } catch (err) {
      await poller.stop();
      db.close();
      throw err;
    }
  }
  log = new DecisionLogWriter(logSink, {
    flushMs: config.decisionLogFlushMs,
    maxBatch: config.decisionLogMaxBatch,
    maxQueue: config.decisionLogMaxQueue,
    onFlush: (size, seconds) => {
      metrics.logFlushBatchSize.observe(size);
      metrics.logFlushSeconds.observe(seconds);
    },
    onError: (err, size) => {
      metrics.logFlushFailures.inc();
      logger.error({ err, size }, 'decision log batch failed; its decisions were not acknowledged');
    },
  });
  const decider = createDecider({
    cache,
    log,
    onDecision: (tenant, policy, outcome) => metrics.decisions.inc({ tenant, policy, outcome }),
    budget: { steps: config.evalMaxSteps, maxCollection: config.evalMaxCollection },
  });

  const sandbox = new Sandbox({
    workers: config.sandboxWorkers,
    timeoutMs: config.sandboxTimeoutMs,
    memoryMb: config.sandboxMemoryMb,
    onWorkerLost: (reason, err) =>
      reason === 'crash' ? logger.error({ err }, 'a sandbox worker stopped unexpectedly; another takes its place') : logger.warn({ budget: reason }, `a sandbox worker exceeded its ${reason} budget and was replaced`),
  });

  let closing: Promise<void> | null = null;
  const writer = log;
  return {
    config, db, logger, metrics, cache, auth, poller, log: writer, decider, sandbox, seed,
    close() {
      closing ??= (async () => {
        await sandbox.close();
        await poller.stop();
        await writer.close();
        if (logSink instanceof BatchWriter) await logSink.close();
        await auth.close();
        db.close();
      })();
      return closing;
    },
  };
}
