/**
 * A REAL server for API tests: the production runtime and app factory on 127.0.0.1 at a free
 * port, over a fresh database file in a temp folder (seeded from policies/ as on a first
 * start). Keys are made per tenant and role on demand. Pass `dir` to start a second server on
 * the same database file (two processes' worth of caches and pollers). Close it in afterAll.
 *
 * @example
 *   const server = await startServer();
 *   afterAll(() => server.close());
 *   const res = await server.post('/v1/policies/returns/decide', { input, at }, await server.key('solum', 'decider'));
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../../server/api/app.ts';
import { answerClientErrors } from '../../server/api/client-errors.ts';
import { parseConfig } from '../../server/config.ts';
import { startRuntime } from '../../server/runtime.ts';
import type { Runtime } from '../../server/runtime.ts';
import { createKey } from '../../server/services/api-keys.ts';
import { httpClient } from './http.ts';
import type { Actor, Role } from '../../server/services/roles.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestServer {
  url: string;
  /** The database folder (pass it to startServer to share the database). */
  dir: string;
  databaseUrl: string;
  runtime: Runtime;
  /** A key of the tenant with the role (made once, then reused). */
  key(tenant: string, role: Role): Promise<string>;
  /** The actor behind key(tenant, role), for calling service verbs directly. */
  actor(tenant: string, role: Role): Promise<Actor>;
  request<T = any>(method: string, path: string, options?: { key?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body: unknown, key?: string): Promise<ApiResponse<T>>;
  get<T = any>(path: string, key?: string): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export async function startServer(options: { dir?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  const ownsDir = !options.dir;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'policy-api-'));
  const databaseUrl = `file:${join(dir, 'policy.db')}`;
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', ...options.env });
  const runtime = await startRuntime(config);
  const app = createApp(runtime);
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
  });
  answerClientErrors(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const keys = new Map<string, Promise<{ secret: string; actor: Actor }>>();
  const made = (tenant: string, role: Role) => {
    const id = `${tenant}/${role}`;
    if (!keys.has(id)) {
      keys.set(id, createKey({ db: runtime.db }, { actor: 'test', tenant, role, name: `test ${role}` }).then(({ key, secret }) => ({ secret, actor: { tenant, role, keyId: key.id } })));
    }
    return keys.get(id)!;
  };

  const { request, get, post } = httpClient(url);

  let closed = false;
  return {
    url,
    dir,
    databaseUrl,
    runtime,
    key: async (tenant, role) => (await made(tenant, role)).secret,
    actor: async (tenant, role) => (await made(tenant, role)).actor,
    request,
    post,
    get,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await runtime.close();
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The decide body for one request of a sample file of policies/<tenant>/samples/. */
export function sampleBody(sample: { at: string; order: unknown; requests: Record<string, unknown> }, policy: string): { input: unknown; at: string } {
  return { input: { order: sample.order, request: sample.requests[policy] }, at: sample.at };
}
