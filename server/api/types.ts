/**
 * What the HTTP layer is built from (a subset of the runtime, so tests can hand in their own)
 * and the Hono environment every route sees.
 */
import type { Runtime } from '../runtime.ts';
import type { Actor } from '../services/roles.ts';
import type { Deadline } from './request-timeout.ts';

export type AppDeps = Pick<Runtime, 'config' | 'db' | 'logger' | 'metrics' | 'auth' | 'decider' | 'log' | 'cache' | 'sandbox'>;

export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by the auth middleware on /v1/*: the tenant, role and key id of the caller. */
    actor: Actor;
    /** REQUEST_TIMEOUT_MS of this request (request-timeout.ts); unset when there is none. */
    deadline: Deadline | undefined;
  };
}
