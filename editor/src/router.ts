/**
 * Path routing with the History API (the server answers every non-/v1 path with index.html):
 *   /                  the policies (or the sign-in)
 *   /policies/<key>    the editor of one policy
 *   /policies/<key>/simulate    the editor's Simulate view of the same document
 *   /policies/<key>/schedule | /history | /decisions    its schedule, its versions, its decision log
 *   /tenants/new       a platform operator's "New tenant" flow (from a template)
 *
 * @example
 *   parseRoute('/policies/returns');   // { name: 'edit', policy: 'returns' }
 */
import { createStore } from './store.ts';

export type Route = { name: 'policies' } | { name: 'new-tenant' } | { name: 'edit'; policy: string } | { name: 'simulate'; policy: string } | { name: PolicyScreen; policy: string } | { name: 'not-found'; path: string };

/** The screens of one policy besides its editor, at /policies/<key>/<screen>. */
export const POLICY_SCREENS = ['schedule', 'history', 'decisions'] as const;
export type PolicyScreen = (typeof POLICY_SCREENS)[number];

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '' || pathname === '/policies' || pathname === '/policies/') return { name: 'policies' };
  if (pathname === '/tenants/new' || pathname === '/tenants/new/') return { name: 'new-tenant' };
  const simulate = /^\/policies\/([^/]+)\/simulate\/?$/.exec(pathname);
  if (simulate) {
    try {
      return { name: 'simulate', policy: decodeURIComponent(simulate[1]!) };
    } catch {
      return { name: 'not-found', path: pathname };
    }
  }
  const edit = /^\/policies\/([^/]+)\/?$/.exec(pathname);
  if (edit) {
    try {
      return { name: 'edit', policy: decodeURIComponent(edit[1]!) };
    } catch {
      return { name: 'not-found', path: pathname }; // a malformed %-escape
    }
  }
  const sub = /^\/policies\/([^/]+)\/([a-z]+)\/?$/.exec(pathname);
  const screen = POLICY_SCREENS.find((s) => s === sub?.[2]);
  if (sub && screen) {
    try {
      return { name: screen, policy: decodeURIComponent(sub[1]!) };
    } catch {
      return { name: 'not-found', path: pathname };
    }
  }
  return { name: 'not-found', path: pathname };
}

export function routePath(route: Route): string {
  if (route.name === 'new-tenant') return '/tenants/new';
  if (route.name === 'simulate') return `/policies/${encodeURIComponent(route.policy)}/simulate`;
  if (route.name !== 'edit' && 'policy' in route) return `/policies/${encodeURIComponent(route.policy)}/${route.name}`;
  return route.name === 'edit' ? `/policies/${encodeURIComponent(route.policy)}` : route.name === 'policies' ? '/' : route.path;
}

export function createRouter(win: Window) {
  const store = createStore<{ route: Route }>({ route: parseRoute(win.location.pathname) });
  win.addEventListener('popstate', () => store.set({ route: parseRoute(win.location.pathname) }));
  return {
    ...store,
    /** Goes to a path, which may carry a search string (a screen's view, e.g. decision filters). */
    navigate(path: string) {
      if (path === win.location.pathname + win.location.search) return;
      win.history.pushState(null, '', path);
      store.set({ route: parseRoute(new URL(path, win.location.href).pathname) });
      win.scrollTo(0, 0);
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
