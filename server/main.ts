/**
 * `npm start`: serves the service on PORT (default 8787). The full API (store, tenants, keys,
 * decide, simulation) is being built under server/api and server/store; until then this
 * process answers /healthz and explains how to decide with the CLI.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const port = Number(process.env.PORT ?? 8787);
const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.get('/', (c) => c.text('Policy service. Decide from the command line: npm run -s policy -- decide <tenant>/<policy> --at <ISO> --input <file>\n'));

serve({ fetch: app.fetch, port, hostname: process.env.HOST ?? '127.0.0.1' }, (info) => {
  console.log(`policy service listening on http://${info.address}:${info.port}`);
});
