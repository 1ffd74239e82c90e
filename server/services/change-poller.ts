/**
 * Polls the change feed (server/store/change-feed.ts) every `intervalMs` and hands each new
 * change to the listeners (the policy cache, the key cache). This is what puts a publish,
 * activation or key revocation made by another process on the same database in force here
 * within one poll interval (200 ms by default), without a message bus.
 *
 * Start it before anything is cached: it begins at the feed's current end, so every change
 * committed after that point is seen.
 */
import type { Change } from '../store/change-feed.ts';
import { changesAfter, lastChangeSeq } from '../store/change-feed.ts';
import type { Client } from '../store/client.ts';

export type ChangeListener = (change: Change) => void;

export class ChangePoller {
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Client,
    private readonly intervalMs: number,
    private readonly listeners: ChangeListener[],
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** The last change seen. */
  get position(): number {
    return this.seq;
  }

  async start(): Promise<void> {
    this.seq = await lastChangeSeq(this.db);
    this.stopped = false;
    this.arm();
  }

  /** Reads and dispatches everything new now (also used by tests to skip the wait). */
  poll(): Promise<void> {
    this.running ??= this.readAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private arm(): void {
    if (this.stopped) return;
    // A chain of timeouts, not an interval: a slow poll (remote database) never overlaps the next.
    this.timer = setTimeout(() => {
      this.poll().finally(() => this.arm());
    }, this.intervalMs);
    // Polling alone must not keep a process (the CLI, a finished test) alive.
    this.timer.unref();
  }

  private async readAll(): Promise<void> {
    try {
      for (;;) {
        const changes = await changesAfter(this.db, this.seq);
        for (const change of changes) {
          for (const listener of this.listeners) listener(change);
          this.seq = change.seq;
        }
        if (changes.length < 1000) return;
      }
    } catch (err) {
      this.onError(err);
    }
  }
}
