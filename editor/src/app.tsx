/**
 * The app frame: the top bar (tenant, role, sign out), then the screen for the route. Signed
 * out, every route shows the sign-in; after it the requested route opens.
 */
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import type { Router } from './router.ts';
import type { Session } from './session.ts';
import { useStore } from './use-store.ts';
import { SignIn } from './screens/sign-in.tsx';
import { Policies } from './screens/policies.tsx';
import { Edit } from './screens/edit.tsx';
import { Schedule } from './screens/schedule.tsx';
import { History } from './screens/history.tsx';
import { Decisions } from './screens/decisions.tsx';
import { NewTenant } from './screens/new-tenant.tsx';

export function App({ session, router }: { session: Session; router: Router }): JSX.Element {
  const state = useStore(session);
  const { route } = useStore(router);

  useEffect(() => {
    const screen: Record<string, string> = { schedule: 'schedule', history: 'versions', decisions: 'decisions' };
    document.title =
      state.status !== 'signed-in'
        ? 'Sign in · Policy editor'
        : route.name === 'edit' || route.name === 'simulate'
          ? `${route.policy}${route.name === 'simulate' ? ' simulation' : ''} · Policy editor`
          : 'policy' in route && screen[route.name]
            ? `${route.policy} ${screen[route.name]} · Policy editor`
            : route.name === 'new-tenant' || state.me.role === 'operator'
              ? 'New tenant · Policy editor'
              : 'Policies · Policy editor';
  }, [state.status, route]);

  if (state.status === 'signing-in' && state.restoring) {
    return (
      <main class="sign-in" id="main" aria-busy="true">
        <p class="muted">Signing in…</p>
      </main>
    );
  }
  if (state.status !== 'signed-in') return <SignIn session={session} />;
  const { me, api } = state;
  const go = (path: string) => (e: Event) => {
    e.preventDefault();
    router.navigate(path);
  };
  return (
    <div class="app">
      <header class="topbar">
        <a class="brand" href="/" onClick={go('/')}>
          Policy editor
        </a>
        <span class="who" aria-label="Signed in as">
          <span class="tenant" data-testid="tenant" title={`tenant id: ${me.tenant}`}>
            {me.tenantName}
          </span>
          <span class="role" data-testid="role">
            {me.role}
          </span>
        </span>
        <button type="button" class="quiet" onClick={() => session.signOut()}>
          Sign out
        </button>
      </header>
      <main class="screen" id="main">
        {route.name === 'policies' && me.role !== 'operator' && <Policies api={api} me={me} navigate={router.navigate} />}
        {(route.name === 'new-tenant' || (route.name === 'policies' && me.role === 'operator')) && <NewTenant api={api} me={me} session={session} navigate={router.navigate} />}
        {(route.name === 'edit' || route.name === 'simulate') && <Edit key={route.policy} api={api} me={me} policy={route.policy} navigate={router.navigate} view={route.name} />}
        {route.name === 'schedule' && <Schedule key={route.policy} api={api} me={me} policy={route.policy} navigate={router.navigate} />}
        {route.name === 'history' && <History key={route.policy} api={api} me={me} policy={route.policy} navigate={router.navigate} />}
        {route.name === 'decisions' && <Decisions key={route.policy} api={api} me={me} policy={route.policy} navigate={router.navigate} />}
        {route.name === 'not-found' && (
          <section class="page">
            <h1>Nothing here</h1>
            <p>
              There is no page at <code>{route.path}</code>.{' '}
              <a href="/" onClick={go('/')}>
                Back to the policies
              </a>
            </p>
          </section>
        )}
      </main>
    </div>
  );
}
