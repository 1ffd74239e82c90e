/**
 * Path routing with the History API (the server answers every non-/v1 path with index.html):
 *   /                  the policies (or the sign-in)
 *   /policies/<key>    the editor of one policy
 *
 * @example
 *   parseRoute('/policies/returns');   // { name: 'edit', policy: 'returns' }
 */
import { createStore } from './store.ts';

export type Route = { name: 'policies' } | { name: 'edit'; policy: string } | { name: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '' || pathname === '/policies' || pathname === '/policies/') return { name: 'policies' };
  const edit = /^\/policies\/([^/]+)\/?$/.exec(pathname);
  if (edit) {
    try {
      return { name: 'edit', policy: decodeURIComponent(edit[1]!) };
    } catch {
      return { name: 'not-found', path: pathname }; // a malformed %-escape
    }
  }
  return { name: 'not-found', path: pathname };
}

export function routePath(route: Route): string {
  return route.name === 'edit' ? `/policies/${encodeURIComponent(route.policy)}` : route.name === 'policies' ? '/' : route.path;
}

export function createRouter(win: Window) {
  const store = createStore<{ route: Route }>({ route: parseRoute(win.location.pathname) });
  win.addEventListener('popstate', () => store.set({ route: parseRoute(win.location.pathname) }));
  return {
    ...store,
    navigate(path: string) {
      if (path === win.location.pathname) return;
      win.history.pushState(null, '', path);
      store.set({ route: parseRoute(path) });
      win.scrollTo(0, 0);
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
