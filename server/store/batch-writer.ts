/**
 * A write connection to a database file that runs on a worker thread, for the decision log.
 *
 * The embedded libSQL driver runs every statement synchronously on the thread that calls it,
 * fsync included (synchronous = FULL), so on the main thread each decision-log commit stopped
 * every request for as long as the disk took: measured under load at ~23% of the main thread's
 * time, and most of the p99. Here the commit runs on a worker with its own connection (same
 * file, same settings: client.ts filePragmas) while the main thread goes on serving; the
 * decisions that arrive meanwhile form the next group. `batch` resolves only after the
 * transaction has committed, exactly as the client's own `batch` does, so a decision is still
 * acknowledged only once it is durable.
 *
 * Checkpoints (copying the WAL into the database file, with its own fsync) are taken off the
 * commit path too: the writer's automatic checkpoint would run inside whichever commit crosses
 * 1,000 pages of WAL (every ~4 MB, several times a second under load), holding up that group's
 * answers. A second worker checkpoints PASSIVE every 20 ms beside the writer instead (it never
 * blocks it); the writer keeps a backstop at 10,000 pages. Measured (8 interleaved pairs, 50
 * connections): mean commit 3.6 → 3.0 ms, decide p99 31 → 18 ms.
 *
 * If the worker dies, the batches it held fail (their decisions are answered 5xx, never
 * acknowledged) and the next batch starts a new one. Remote databases (libsql://, http://)
 * need none of this: their client does not block the thread.
 *
 * @example
 *   const writer = await BatchWriter.open({ databaseUrl: 'file:data/policy.db' });
 *   await writer.batch(insertDecisionsStmts(records), 'write');   // after commit
 *   await writer.close();
 */
import { Worker } from 'node:worker_threads';
import { filePath, filePragmas } from './client.ts';
import type { InStatement } from './rows.ts';

/**
 * How often the checkpointer copies the WAL into the database (PASSIVE: never blocks the
 * writer). Often, so that each checkpoint is small: with many tenants the decision log's
 * index pages a commit touches are spread over the file, a checkpoint of 100 ms of them wrote
 * (and fsynced) enough scattered pages to stall the writer's next commits past 25 ms several
 * times a second (decide p99 25 → 49 ms over 30 s at 1,000 tenants); every 20 ms none did
 * (p99 13–16 ms), at no cost with one tenant (8 interleaved pairs: req/s ±0.4%).
 */
const CHECKPOINT_EVERY_MS = 20;
/** The writer's own automatic checkpoint, a backstop: 10,000 pages (~40 MB of WAL). */
const WRITER_CHECKPOINT_PAGES = 10_000;

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Reply {
  id: number;
  ok: boolean;
  error?: { name?: string; message: string; code?: string; rawCode?: number };
}

export class BatchWriter {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed: Promise<void> | null = null;

  private checkpointer: Worker | null = null;

  private constructor(private readonly options: { databaseUrl: string; busyTimeoutMs?: number }) {}

  /** Starts the worker and checks its connection with an empty batch; starts the checkpointer. */
  static async open(options: { databaseUrl: string; busyTimeoutMs?: number }): Promise<BatchWriter> {
    const writer = new BatchWriter(options);
    try {
      await writer.batch([], 'write');
    } catch (err) {
      await writer.close();
      throw err;
    }
    writer.checkpointer = writer.spawn({ repeat: { sql: 'PRAGMA wal_checkpoint(PASSIVE)', everyMs: CHECKPOINT_EVERY_MS } }, filePragmas(options.busyTimeoutMs));
    return writer;
  }

  /** Runs the statements in one write transaction; resolves once it has committed. */
  batch(statements: InStatement[], _mode: 'write'): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the write connection is closed'));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive while a commit is owed to someone, not longer.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, statements });
    });
  }

  /** Lets the batches already sent commit, then closes the connections and ends the workers. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.all([this.worker, this.checkpointer].map(async (worker) => {
        if (!worker) return;
        worker.ref();
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        // Never worker.terminate(): stopping a worker inside a libSQL call aborts the whole
        // process (a panic in the native module). It closes its connection and ends by itself.
        worker.postMessage({ close: true });
        await exited;
      }));
    })();
    return this.closed;
  }

  private spawn(extra: object, pragmas: string[]): Worker {
    const worker = new Worker(new URL('./batch-writer.worker.mjs', import.meta.url), {
      workerData: { path: filePath(this.options.databaseUrl) ?? ':memory:', pragmas, timeout: this.options.busyTimeoutMs ?? 5000, ...extra },
      // Nothing of the main thread's loader or flags: the worker is plain JavaScript.
      execArgv: [],
    });
    worker.unref();
    return worker;
  }

  private start(): Worker {
    // The writer does not checkpoint (the checkpointer does, beside it) unless the WAL grows
    // past WRITER_CHECKPOINT_PAGES, should the checkpointer ever fall behind.
    const worker = this.spawn({}, [...filePragmas(this.options.busyTimeoutMs), `PRAGMA wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`]);
    worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) p.resolve();
      else p.reject(Object.assign(new Error(reply.error?.message ?? 'write failed'), { name: reply.error?.name ?? 'Error', code: reply.error?.code, rawCode: reply.error?.rawCode }));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      const owed = [...this.pending.values()];
      this.pending.clear();
      for (const p of owed) p.reject(err);
    };
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => fail(new Error(`the decision log's write worker exited (code ${code})`)));
    return worker;
  }
}
