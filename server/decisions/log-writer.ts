/**
 * The decision log writer, with group commit. `append` queues a decision and resolves only
 * once the transaction holding it has committed, so a decision is never acknowledged to a
 * client before it is durable. One flusher writes everything queued in one batch (up to
 * maxBatch rows): many concurrent decisions share one transaction and one fsync, which is what
 * keeps the log from slowing decisions.
 *
 * The queue is bounded: when it holds maxQueue decisions, `append` waits for room (backpressure
 * on the callers) instead of growing memory without limit. On close, everything queued is
 * flushed before the promise resolves; appends after close are refused.
 *
 * @example
 *   const log = new DecisionLogWriter(db, { flushMs: 5, maxBatch: 500, maxQueue: 10_000 });
 *   await log.append(record);   // resolves after commit; rejects if the write failed
 *   await log.close();          // on shutdown
 */
import { insertDecisionsStmts } from '../store/decisions.ts';
import type { DecisionRecord } from '../store/decisions.ts';
import type { InStatement } from '../store/rows.ts';

/**
 * Where the groups are written: the database client itself, or for a database file a
 * BatchWriter (server/store/batch-writer.ts), which commits on a worker thread. Either way
 * `batch` resolves only once the transaction has committed.
 */
export interface LogSink {
  batch(statements: InStatement[], mode: 'write'): Promise<unknown>;
}

export interface LogWriterOptions {
  flushMs: number;
  maxBatch: number;
  maxQueue: number;
  /** Called after every committed flush: for the batch-size and latency metrics. */
  onFlush?: (size: number, seconds: number) => void;
  /** Called when a flush fails for good (its callers are told too). */
  onError?: (err: unknown, size: number) => void;
}

/** Thrown by append after close(): the process is shutting down. */
export class LogClosedError extends Error {
  override name = 'LogClosedError';
  constructor() {
    super('the decision log is closed (shutting down)');
  }
}

interface Pending {
  record: DecisionRecord;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Transient lock errors are retried this many times before the callers are told. */
const RETRY_DELAYS_MS = [20, 100, 400];

export class DecisionLogWriter {
  private queue: Pending[] = [];
  private roomWaiters: Array<() => void> = [];
  /** Cancels the scheduled flush, if any. */
  private timer: (() => void) | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly db: LogSink, private readonly options: LogWriterOptions) {}

  /** Decisions queued and not yet committed. */
  get depth(): number {
    return this.queue.length;
  }

  async append(record: DecisionRecord): Promise<void> {
    while (this.queue.length >= this.options.maxQueue && !this.closed) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
    if (this.closed) throw new LogClosedError();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.schedule();
    });
  }

  /** Flushes everything queued, then refuses new decisions. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer();
    this.wakeRoomWaiters();
    await this.flush();
  }

  private schedule(): void {
    // A running flush loops until the queue is empty, so it will take this decision too.
    if (this.flushing) return;
    if (this.queue.length >= this.options.maxBatch) {
      this.cancelTimer();
      void this.flush();
    } else if (!this.timer) {
      const run = () => {
        this.timer = null;
        void this.flush();
      };
      // 0: flush once this turn of the event loop has handed over every request that was ready
      // (setImmediate runs after the I/O phase), so concurrent decisions share a transaction
      // without any added wait; setTimeout(0) would add a 1 ms clamp.
      if (this.options.flushMs > 0) {
        const t = setTimeout(run, this.options.flushMs);
        this.timer = () => clearTimeout(t);
      } else {
        const i = setImmediate(run);
        this.timer = () => clearImmediate(i);
      }
    }
  }

  private cancelTimer(): void {
    this.timer?.();
    this.timer = null;
  }

  /** Writes the queue in groups of maxBatch until it is empty. Never rejects. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
      // Decisions that arrived while the last group was committing (remote databases).
      if (this.queue.length) this.schedule();
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const group = this.queue.splice(0, this.options.maxBatch);
      this.wakeRoomWaiters();
      const started = performance.now();
      try {
        await this.write(group.map((p) => p.record));
        this.options.onFlush?.(group.length, (performance.now() - started) / 1000);
        for (const p of group) p.resolve();
      } catch (err) {
        this.options.onError?.(err, group.length);
        for (const p of group) p.reject(err);
      }
    }
  }

  private async write(records: DecisionRecord[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.batch(insertDecisionsStmts(records), 'write');
        return;
      } catch (err) {
        const code = String((err as { code?: unknown }).code ?? '');
        const transient = code.includes('BUSY') || code.includes('LOCKED');
        if (!transient || attempt >= RETRY_DELAYS_MS.length) throw err;
        await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }
}
