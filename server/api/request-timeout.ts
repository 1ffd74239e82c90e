/**
 * REQUEST_TIMEOUT_MS: a wall-clock limit on each request until its answer starts. Past it the
 * client gets a 503 problem (Retry-After: 1) at once, whatever the handler is still waiting for
 * (a database locked by another process, a full decision-log queue, a slow disk).
 *
 * What a 503 timeout means for the work it cut short:
 *
 *   decide, batch   nothing was logged: the decider asks `deadline.hold()` just before it hands
 *                   a decision to the decision log, and once that is done the request is no
 *                   longer timed out; it answers when the log has committed the decision. So a
 *                   decision that is logged is always answered, and a 503 is safe to retry.
 *   simulate        both simulation routes hold their deadline at once (holdDeadline below):
 *                   they run within SIMULATE_TIMEOUT_MS instead.
 *   other writes    may still complete after the 503 (as after any lost answer): read, then
 *                   retry; draft saves and publishes carry If-Match, so a retry cannot overwrite.
 *
 * hono/timeout cannot be told to wait once a handler is past the point of no return, hence
 * this small one. The timer cannot fire during synchronous work; every evaluation is bounded by
 * the work budget (EVAL_MAX_STEPS) and the sandbox's time budget.
 *
 * @example
 *   app.use('*', requestTimeout(config.requestTimeoutMs));   // or withinDeadline(c, next, ms) in a middleware
 *   // in a handler, before an act that must not be reported as failed:
 *   if (!c.get('deadline')?.hold()) throw ...;   // already answered 503
 */
import type { Context, MiddlewareHandler, Next } from 'hono';
import { ServiceError } from '../errors.ts';
import type { AppEnv } from './types.ts';

export class Deadline {
  private state: 'running' | 'held' | 'expired' = 'running';

  /**
   * From here on the request is not timed out. False when it already was (a 503 has been
   * sent): the caller must then not do what it was about to.
   */
  hold(): boolean {
    if (this.state === 'expired') return false;
    this.state = 'held';
    return true;
  }

  /** The timer's side of hold(): true when the request may be answered 503 now. */
  expire(): boolean {
    if (this.state === 'held') return false;
    this.state = 'expired';
    return true;
  }

  get expired(): boolean {
    return this.state === 'expired';
  }
}

export function requestTimeout(ms: number): MiddlewareHandler<AppEnv> {
  return (c, next) => withinDeadline(c, next, ms);
}

/**
 * Runs the rest of the chain under a Deadline of `ms` (0: none); throws the 503 when it passes
 * first. The envelope (envelope.ts) calls it for every request.
 */
export async function withinDeadline(c: Context<AppEnv>, next: Next, ms: number): Promise<void> {
  if (ms === 0) return next();
  const deadline = new Deadline();
  c.set('deadline', deadline);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<true>((resolve) => {
    timer = setTimeout(() => {
      if (deadline.expire()) resolve(true);
    }, ms);
  });
  try {
    // Hono turns a handler's error into its answer inside next(), so next() does not reject.
    if ((await Promise.race([next().then(() => false as const), timedOut])) === true) {
      throw new ServiceError('unavailable', `no answer within REQUEST_TIMEOUT_MS (${ms} ms)`, [], { headers: { 'Retry-After': '1' } });
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For a route bounded by a limit of its own (the simulations: SIMULATE_TIMEOUT_MS and the
 * sandbox's budget): from here on REQUEST_TIMEOUT_MS no longer cuts it short. Throws the 503
 * when the request has already been answered 503 (its body came too slowly), so nothing starts.
 */
export function holdDeadline(c: Context<AppEnv>, what: string): void {
  if (c.get('deadline')?.hold() === false) throw new ServiceError('unavailable', `the request timed out before ${what} started`);
}
