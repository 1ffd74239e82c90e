/**
 * The CLI's HTTP client for the commands that work against a running server (`pull`,
 * `publish`): the server URL and API key from flags or the environment (POLICY_URL, default
 * http://127.0.0.1:8787; POLICY_KEY), one JSON request at a time, and errors a person can act
 * on: an unreachable server, a refused key, a problem+json answer with each problem's path.
 *
 * @example
 *   const remote = connect({ url: opts.url, key: opts.key });
 *   const me = await remote.json('GET', '/v1/me');
 */
import { EXIT } from './io.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8787';

export interface RemoteOptions {
  url?: string;
  key?: string;
}

/** A failed request, said for a person; `exitCode` 2 for what the user can fix, 1 otherwise. */
export class RemoteError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.badInput, readonly status?: number, readonly problem?: Problem) {
    super(message);
  }
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
  [member: string]: unknown;
}

export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Remote {
  url: string;
  /** Sends the request; any status outside `ok` (default: 2xx) throws a RemoteError naming what went wrong. */
  request<T = any>(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; ok?: number[] }): Promise<Reply<T>>;
}

export function connect(options: RemoteOptions, env: Record<string, string | undefined> = process.env): Remote {
  const url = (options.url ?? env.POLICY_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  const key = options.key ?? env.POLICY_KEY;
  if (!/^https?:\/\/[^/]+/.test(url)) throw new RemoteError(`--url / POLICY_URL ${JSON.stringify(url)}: must be an http(s) URL, e.g. ${DEFAULT_URL}`);
  if (!key) throw new RemoteError('no API key: pass --key <key> or set POLICY_KEY (make one with: npm run -s policy -- keys create --tenant <t> --role editor)');

  return {
    url,
    async request<T>(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; ok?: number[] } = {}): Promise<Reply<T>> {
      let res: Response;
      try {
        res = await fetch(`${url}${path}`, {
          method,
          headers: { Authorization: `Bearer ${key}`, Accept: 'application/json', ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...opts.headers },
          ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new RemoteError(`cannot reach the server at ${url} (${cause?.code ?? cause?.message ?? (err as Error).message}): is it running? Set --url or POLICY_URL`, EXIT.failed);
      }
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text for the message
      }
      const ok = opts.ok ?? [];
      if (res.ok || ok.includes(res.status)) return { status: res.status, headers: res.headers, body: body as T };
      const problem = body && typeof body === 'object' ? (body as Problem) : undefined;
      if (res.status === 401) throw new RemoteError(`the server at ${url} refused the API key (${problem?.detail ?? 'unauthorized'}): check --key or POLICY_KEY`, EXIT.badInput, 401, problem);
      const said = problem?.detail ?? problem?.title ?? String(text).slice(0, 200);
      throw new RemoteError(`${method} ${path}: ${res.status} ${said}`, res.status >= 500 ? EXIT.failed : EXIT.badInput, res.status, problem);
    },
  };
}

/** Prints a RemoteError (and its problems, each with its JSON path) and sets the exit code. */
export function report(err: unknown): void {
  if (!(err instanceof RemoteError)) throw err;
  process.stderr.write(`${err.message}\n`);
  for (const e of err.problem?.errors ?? []) process.stderr.write(`  ${e.path || '/'}: ${e.message}\n`);
  process.exitCode = err.exitCode;
}
