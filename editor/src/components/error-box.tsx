/** Shows an error plainly: the server's problem title and detail, and each JSON path with its message. */
import type { JSX } from 'preact';
import { ApiError } from '../api.ts';

export function ErrorBox({ error, title }: { error: unknown; title?: string }): JSX.Element {
  const api = error instanceof ApiError ? error : null;
  return (
    <div class="error-box" role="alert">
      <strong>{title ?? (api ? api.title : 'Something went wrong')}</strong>
      {api ? api.detail && <p>{api.detail}</p> : <p>{error instanceof Error ? error.message : String(error)}</p>}
      {api && api.errors.length > 0 && (
        <ul>
          {api.errors.map((e, i) => (
            <li key={i}>
              <code>{e.path || '(body)'}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
      {api?.requestId && <p class="muted">Request id {api.requestId}</p>}
    </div>
  );
}
