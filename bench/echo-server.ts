/**
 * The baseline of the HTTP decide benchmark: a plain Hono app on @hono/node-server, the same
 * stack and start-up as server/main.ts (bench/server-process.ts starts both the same way), with
 * one route that parses the JSON body and answers it back as JSON. What decide costs beyond
 * this is the service's own work: auth, validation, evaluation, logging, metrics.
 *
 *   PORT=8788 node --import tsx bench/echo-server.ts
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('/echo', async (c) => c.json(await c.req.json()));

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8788), hostname: process.env.HOST ?? '127.0.0.1' }, (info) => {
  process.stdout.write(`echo server listening on http://${info.address}:${info.port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
