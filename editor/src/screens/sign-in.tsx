/** Sign-in: paste an API key; it is kept for this browser tab's session only. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Session } from '../session.ts';
import { useStore } from '../use-store.ts';

export function SignIn({ session }: { session: Session }): JSX.Element {
  const state = useStore(session);
  const [key, setKey] = useState('');
  const busy = state.status === 'signing-in';
  const submit = (e: Event) => {
    e.preventDefault();
    void session.signIn(key);
  };
  return (
    <main class="sign-in" id="main">
      <form class="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Policy editor</h1>
        <p class="lead">Sign in with your API key to see and edit your store's policies.</p>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          placeholder="pk_…"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-describedby="key-help"
          aria-invalid={state.error ? true : undefined}
          required
          autoFocus
        />
        {state.error && (
          <p class="error" role="alert">
            {state.error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p id="key-help" class="help">
          The key stays in this tab only and is forgotten when you close it. No key? Ask an admin, or on the server run{' '}
          <code>npm run -s policy -- keys create --tenant &lt;tenant&gt; --role editor</code>. A platform operator signs in with an
          operator key (<code>po_…</code>) to create new tenants.
        </p>
      </form>
    </main>
  );
}
