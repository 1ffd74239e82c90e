/**
 * The sandbox: a small pool of worker threads (node:worker_threads) that evaluate tenant code
 * that is not a published, already-compiled active version — a draft's tests (draft test runs
 * and publish), simulations, a replay against the draft — under a time and memory budget, so
 * no document can stall or kill the process that serves the other tenants (DESIGN.md, "The
 * policy document").
 *
 *   - memory: each worker has resourceLimits (old generation SANDBOX_MEMORY_MB, young generation
 *     an eighth of it, stack 4 MB). A heap past it ends that worker (ERR_WORKER_OUT_OF_MEMORY),
 *     not the process.
 *   - time: each task has SANDBOX_TIMEOUT_MS of wall clock; past it the worker is terminated
 *     (V8 stops even a tight loop) and a new one takes its place.
 *   - Either answers 422 evaluation-failed naming the budget (`budget: {kind, limit}`): the
 *     document's own work exceeded it and running it again would too. 503 (with Retry-After)
 *     is for the sandbox itself being unavailable: its queue is full or a worker cannot start.
 *   - SANDBOX_WORKERS workers (default 2) start with the runtime and are reused, so a draft
 *     test run pays a message round trip (and a compile of the document in the worker, cached
 *     by content hash), not a thread start (~0.3 s).
 *
 * Published decide stays on the main thread: a version is compiled once, its static bounds
 * were proven at publish, and every evaluation spends the engine's step budget; a thread hop
 * per decision would cost more than the decision.
 *
 * @example
 *   const sandbox = new Sandbox({ workers: 2, timeoutMs: 10_000, memoryMb: 256 });
 *   const outcome = await sandbox.testDocument('returns', doc);   // {ok: true, report} | {ok: false, problems}
 *   await sandbox.close();
 */
import { Worker } from 'node:worker_threads';
import { ServiceError } from '../errors.ts';
import { documentRef } from './document-ref.ts';
import type { SandboxTask, TaskResults, TestsOutcome } from './tasks.ts';

export { documentRef } from './document-ref.ts';

export interface SandboxOptions {
  /** Worker threads kept (SANDBOX_WORKERS). */
  workers: number;
  /** Wall-clock budget of one task (SANDBOX_TIMEOUT_MS). */
  timeoutMs: number;
  /** Old-generation heap of each worker (SANDBOX_MEMORY_MB). */
  memoryMb: number;
  /** Tasks waiting for a worker before more are refused with 503. */
  maxQueue?: number;
  /** Called when a worker is stopped or lost (for the log). */
  onWorkerLost?: (reason: string, error?: unknown) => void;
}

export type BudgetKind = 'time' | 'memory';

interface Job {
  id: number;
  task: SandboxTask;
  subject: string;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  /** Why the worker is being stopped, once it is. */
  stopping: BudgetKind | null;
  error?: unknown;
}

const DEFAULT_MAX_QUEUE = 256;
/** A worker that cannot start is tried again after this long. */
const RESPAWN_DELAY_MS = 1000;

export class Sandbox {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly maxQueue: number;
  /** Workers started and stopped, for the tests and the log. */
  readonly stats = { started: 0, killed: { time: 0, memory: 0 }, lost: 0 };

  constructor(private readonly options: SandboxOptions) {
    this.maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
    for (let i = 0; i < options.workers; i++) this.spawn();
  }

  /** Runs a task on the next free worker; `subject` is the JSON path named if a budget is exceeded. */
  run<K extends SandboxTask['kind']>(task: Extract<SandboxTask, { kind: K }>, subject: string): Promise<TaskResults[K]> {
    if (this.closed) return Promise.reject(unavailable('the sandbox is closed'));
    if (this.queue.length >= this.maxQueue) return Promise.reject(unavailable(`the sandbox queue is full (${this.maxQueue} tasks waiting)`));
    return new Promise<TaskResults[K]>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, subject, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  /**
   * Compiles a document in a worker (cached there by content hash) and runs its embedded tests:
   * the problems when it does not compile (or names another policy), else the report.
   * `subject` names it in a budget problem.
   */
  testDocument(policyKey: string, document: unknown, subject = '/tests'): Promise<TestsOutcome> {
    return this.run({ kind: 'tests', policyKey, document: documentRef(document) }, subject);
  }

  /** Workers ready for a task now. */
  get readyWorkers(): number {
    return [...this.slots].filter((s) => s.ready).length;
  }

  /** Resolves once every worker has started (the tests and a warm start wait for it). */
  async whenReady(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.readyWorkers < this.options.workers) {
      if (Date.now() > until) throw new Error(`the sandbox did not start ${this.options.workers} workers within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(unavailable('the sandbox is closing'));
    await Promise.all([...this.slots].map(async (slot) => {
      slot.job?.reject(unavailable('the sandbox is closing'));
      if (slot.timer) clearTimeout(slot.timer);
      await slot.worker.terminate();
    }));
    this.slots.clear();
  }

  private spawn(): void {
    if (this.closed) return;
    const { memoryMb } = this.options;
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      // Nothing of the main thread's flags or loader: the entry registers its own.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.max(4, Math.round(memoryMb / 8)), stackSizeMb: 4 },
    });
    // Idle workers do not keep the process alive (the CLI and tests exit without closing us).
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null, timer: null, stopping: null };
    this.slots.add(slot);
    this.stats.started++;
    worker.on('message', (message: { ready?: true; id?: number; ok?: boolean; value?: unknown; error?: { name: string; message: string } }) => {
      if (message.ready) {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== message.id || slot.stopping) return;
      this.finish(slot);
      if (message.ok) job.resolve(message.value);
      // A task that throws is a bug of ours (the engine reports a tenant's faults as values).
      else job.reject(Object.assign(new Error(`sandbox task ${job.task.kind} failed: ${message.error?.message}`), { name: message.error?.name ?? 'Error' }));
      this.dispatch();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      slot.error ??= err;
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') slot.stopping ??= 'memory';
    });
    worker.on('exit', () => {
      this.slots.delete(slot);
      if (slot.timer) clearTimeout(slot.timer);
      if (this.closed) return;
      const job = slot.job;
      slot.job = null;
      const kind = slot.stopping ?? 'crash';
      if (kind === 'crash') this.stats.lost++;
      else this.stats.killed[kind]++;
      if (job) job.reject(kind === 'crash' ? new Error(`the sandbox worker running ${job.task.kind} stopped`, { cause: slot.error }) : budgetExceeded(kind, this.options, job.subject));
      this.options.onWorkerLost?.(kind, slot.error);
      if (!slot.ready) {
        // It never started: tell whoever waits rather than let them wait for it, and try later.
        if (this.readyWorkers === 0) for (const waiting of this.queue.splice(0)) waiting.reject(unavailable('no sandbox worker could start'));
        setTimeout(() => this.spawn(), RESPAWN_DELAY_MS).unref();
      } else {
        this.spawn();
      }
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!this.queue.length) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        if (slot.job !== job) return;
        slot.stopping = 'time';
        void slot.worker.terminate();
      }, this.options.timeoutMs);
      slot.worker.postMessage({ id: job.id, task: job.task });
    }
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
  }
}

function budgetExceeded(kind: BudgetKind, options: SandboxOptions, subject: string): ServiceError {
  const what = kind === 'time'
    ? `ran past the sandbox's time budget (SANDBOX_TIMEOUT_MS = ${options.timeoutMs} ms)`
    : `needed more memory than the sandbox's budget (SANDBOX_MEMORY_MB = ${options.memoryMb} MB)`;
  return new ServiceError('evaluation_failed', `evaluating ${subject || 'the document'} ${what} and was stopped; nothing was stored`, [{ path: subject, message: `exceeded the ${kind} budget` }], {
    members: { budget: kind === 'time' ? { kind, limit: options.timeoutMs, unit: 'ms' } : { kind, limit: options.memoryMb, unit: 'MB' } },
  });
}

function unavailable(why: string): ServiceError {
  return new ServiceError('unavailable', `the evaluation sandbox is unavailable: ${why}`, [], { headers: { 'Retry-After': '1' } });
}
