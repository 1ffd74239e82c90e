/**
 * The sign-in session: the API key lives in sessionStorage only (gone when the tab closes,
 * never in localStorage or a cookie), and GET /v1/me tells whose key it is. One store for the
 * app; screens read `me` to show the tenant and role and to offer only what the role may do.
 *
 * @example
 *   const session = createSession({ storage: sessionStorage, connect: (key) => createApi({ key }) });
 *   await session.signIn('pk_…');   // state: { status: 'signed-in', me: { tenant, role, … } }
 *   session.signOut();              // forgets the key
 */
import { ApiError, parseMe } from './api.ts';
import type { Api, Me } from './api.ts';
import { createStore } from './store.ts';
import type { Store } from './store.ts';

export const KEY_STORAGE = 'policy-editor.key';

export type SessionState =
  | { status: 'signed-out'; error: string | null }
  /** `restoring`: signing in again with the key kept from before a reload (no form to show). */
  | { status: 'signing-in'; restoring: boolean; error: null }
  | { status: 'signed-in'; me: Me; api: Api; error: null };

export interface Session extends Store<SessionState> {
  signIn(key: string): Promise<void>;
  /** Signs in again with the key kept for this browser session, if there is one. */
  restore(): Promise<void>;
  signOut(message?: string): void;
}

export interface SessionDeps {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  connect(key: string): Api;
}

export function createSession(deps: SessionDeps): Session {
  const kept = deps.storage.getItem(KEY_STORAGE);
  const store = createStore<SessionState>(kept ? { status: 'signing-in', restoring: true, error: null } : { status: 'signed-out', error: null });
  const set = (next: SessionState) => store.replace(next);

  async function signIn(raw: string, restoring = false): Promise<void> {
    const key = raw.trim();
    if (!key) return set({ status: 'signed-out', error: 'Paste an API key to sign in.' });
    set({ status: 'signing-in', restoring, error: null });
    const api = deps.connect(key);
    try {
      const me = await whoAmI(api);
      deps.storage.setItem(KEY_STORAGE, key);
      set({ status: 'signed-in', me, api, error: null });
    } catch (err) {
      deps.storage.removeItem(KEY_STORAGE);
      const message =
        err instanceof ApiError && err.status === 401 ? 'This key is not valid: it is unknown, mistyped or revoked.' : err instanceof ApiError ? err.message : String(err);
      set({ status: 'signed-out', error: message });
    }
  }

  return {
    ...store,
    signIn,
    async restore() {
      const key = deps.storage.getItem(KEY_STORAGE);
      if (key) await signIn(key, true);
    },
    signOut(message) {
      deps.storage.removeItem(KEY_STORAGE);
      set({ status: 'signed-out', error: message ?? null });
    },
  };
}

/**
 * GET /v1/me. Servers that predate it answer 404 "no route": then the key is probed with
 * GET /v1/policies (a 200 proves a key that may read; the tenant is not named by that answer).
 */
async function whoAmI(api: Api): Promise<Me> {
  try {
    return await api.me();
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    await api.listPolicies();
    return parseMe({ tenant: '(unknown: this server has no GET /v1/me)', role: 'viewer', permissions: ['read'] });
  }
}
