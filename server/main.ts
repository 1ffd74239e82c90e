/**
 * `npm start`: config → database (migrated, seeded on first start) → caches and change poller
 * → decision log → app → HTTP server. Prints where it listens and how to get a key.
 *
 * Shutdown on SIGTERM/SIGINT: stop accepting connections, let requests in flight finish
 * (their decisions are still being logged), flush the decision log, close the database.
 * A second signal exits at once.
 */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { createApp } from './api/app.ts';
import { answerClientErrors } from './api/client-errors.ts';
import { ConfigError, parseConfig } from './config.ts';
import { startRuntime } from './runtime.ts';
import { listTenantIds } from './store/tenants.ts';

/** Longest wait for requests in flight at shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

let config;
try {
  config = parseConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

const runtime = await startRuntime(config);
const { logger } = runtime;
const app = createApp(runtime);
const tenants = await listTenantIds(runtime.db);

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  logger.info({ url: `http://${host}:${info.port}`, database: redactUrl(config.databaseUrl), tenants }, 'listening');
  process.stdout.write(
    [
      '',
      `Policy service listening on http://${host}:${info.port}`,
      `  database: ${redactUrl(config.databaseUrl)}   tenants: ${tenants.join(', ') || '(none)'}`,
      '  create an API key (printed once, alone on the last line):',
      `    npm run -s policy -- keys create --tenant ${tenants[0] ?? '<tenant>'} --role decider`,
      '  then decide:',
      `    curl -s -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\`,
      `      -d '{"input": {...}, "at": "2024-01-20T15:00:00Z"}' http://${host}:${info.port}/v1/policies/<policy>/decide`,
      '  a new tenant from a template (its admin key on the last line; templates: npm run -s policy -- tenants templates):',
      '    npm run -s policy -- tenants create <tenant> --template returns-standard --param "returnAddress=<where returns go>"',
      '',
    ].join('\n'),
  );
}) as Server;
answerClientErrors(server);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting without waiting');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'shutting down: no new connections, finishing requests, flushing the decision log');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections with no request in flight would hold close() open until their
  // timeout: end each one as soon as its last answer is out.
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 25);
  const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  grace.unref();
  await closed;
  clearInterval(idle);
  clearTimeout(grace);
  await runtime.close();
  logger.info('stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

/** The URL without credentials or query (a token may sit in it). */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//').split('?')[0]!;
}
