/**
 * What the API fuzz (fuzz.test.ts) found, one focused test each, so none comes back unnoticed:
 *
 *   - a leap second (23:59:60) passes the date-time format but no Date can hold it: publishing
 *     with `activate.until` or saving a sample with `at` at one answered 500 (RangeError);
 *   - requests Node's HTTP parser refuses (a raw non-ASCII byte in the path, headers over
 *     16 KB) were answered a bare 400/431 without a body, not a problem; a HEAD among them must
 *     get no body at all;
 *   - a body of thousands of wrong items was answered a problem listing every one (85,000 items
 *     made a 4 MB answer to a 500 KB request);
 *   - a number beyond a double's range (1e999 in a body, 400 digits in a query) reads as
 *     Infinity, which ajv takes for an integer: an activation of version 1e999 answered 500;
 *   - a sample holding a 10,000-deep array overflowed JSON.stringify's stack when stored (500);
 *   - listing every problem of a large invalid value takes ajv time quadratic in their number:
 *     a sample or a decide input with 100,000 wrong items held the event loop for ~26 s (the
 *     soak's requests beside it timed out).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH } from '../../server/api/body.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { ALL_ERRORS_MAX_VALUES } from '../../server/engine/schemas.ts';
import { MAX_LISTED_ERRORS } from '../../server/errors.ts';
import { sample } from '../helpers/orders.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

/** Sends raw bytes on a fresh connection and reads until the server closes it. */
function raw(bytes: Buffer | string): Promise<{ head: string; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const at = text.indexOf('\r\n\r\n');
      resolve({ head: text.slice(0, at), body: text.slice(at + 4) });
    });
  });
}

describe('leap seconds', () => {
  it('answers 400 at /activate/until to a publish activating until 23:59:60, not 500', async () => {
    const res = await server.request('POST', '/v1/policies/returns/draft/publish', {
      key: await server.key('solum', 'editor'),
      headers: { 'If-Match': '"0000000000000000"' },
      body: { reason: 'fuzz finding', activate: { until: '2024-01-01T23:59:60Z' } },
    });
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors).toEqual([{ path: '/activate/until', message: expect.stringMatching(/leap second/) }]);
  });

  it('answers 400 at /at to a sample whose at is 23:59:60, not 500', async () => {
    const s = sample('solum', 'solum-holiday-placed-oct-11-asked-jan-20');
    const res = await server.post('/v1/samples', { ...s, name: 'leap-second', at: '2016-12-31T23:59:60Z' }, await server.key('solum', 'editor'));
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors).toEqual([{ path: '/at', message: expect.stringMatching(/leap second/) }]);
  });
});

describe('requests the HTTP parser refuses', () => {
  it('answers a raw non-ASCII byte in the path with a 400 problem and closes the connection', async () => {
    const { head, body } = await raw(Buffer.concat([Buffer.from('GET /v1/policies/'), Buffer.from([0xe9]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]));
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(head).toMatch(/connection: close/i);
    expect(JSON.parse(body)).toMatchObject({ status: 400, type: '/problems/bad-request', title: 'Bad request', errors: [] });
  });

  it('answers headers over 16 KB with a 431 problem, and a HEAD request with no body', async () => {
    const big = `X-Big: ${'x'.repeat(20_000)}\r\n`;
    const get = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\n${big}\r\n`);
    expect(get.head).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(get.body)).toMatchObject({ status: 431, type: '/problems/header-too-large' });
    const head = await raw(`HEAD /healthz HTTP/1.1\r\nHost: x\r\n${big}\r\n`);
    expect(head.head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head.body).toBe('');
  });

  it('still serves the next connection', async () => {
    expect((await server.get('/healthz')).status).toBe(200);
  });
});

describe('problems of huge bodies', () => {
  it(`lists the first ${MAX_LISTED_ERRORS} problems of a body with thousands and says how many there are`, async () => {
    const res = await server.post('/v1/policies/returns/decide/batch', { requests: Array.from({ length: 5000 }, (_, i) => i) }, await server.key('solum', 'decider'));
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(res.body.errors[0].path).toBe('/requests/0');
    expect(res.body.detail).toMatch(/5000 problems, the first 100 listed/);
    expect(res.text.length).toBeLessThan(20_000);
  });
});

describe('numbers beyond a double', () => {
  it('answers 400 at the number\'s path to a body with 1e999, not 500', async () => {
    const res = await server.request('POST', '/v1/policies/returns/activations', {
      key: await server.key('solum', 'editor'),
      body: '{"version": 1e999, "reason": "fuzz finding"}',
    });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ type: '/problems/invalid-body', errors: [{ path: '/version', message: expect.stringMatching(/too large/) }] });
    // The same check finds it deep in a decide's input, and a finite 1E+308 is left to the schema.
    const deep = await server.post('/v1/policies/returns/decide', JSON.parse('{"input": {"order": {"items": [{"unitPrice": 1}]}}}'), await server.key('solum', 'decider'));
    expect(deep.body.errors.some((e: { message: string }) => /too large/.test(e.message))).toBe(false);
    const huge = await server.request('POST', '/v1/policies/returns/decide', { key: await server.key('solum', 'decider'), body: '{"input": {"order": {"items": [{"unitPrice": -1e400}]}}}' });
    expect(huge.body.errors).toEqual([{ path: '/input/order/items/0/unitPrice', message: expect.stringMatching(/too large/) }]);
  });

  it('answers 400 to a query number of 400 digits, not 500', async () => {
    const res = await server.get(`/v1/decisions?version=${'9'.repeat(400)}`, await server.key('solum', 'viewer'));
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors[0].path).toBe('/query/version');
  });
});

describe('deep nesting', () => {
  it(`answers 400 at the path where a body nests deeper than ${MAX_BODY_DEPTH}, not 500, and stores one within it`, async () => {
    const key = await server.key('solum', 'editor');
    const s = sample('solum', 'solum-holiday-placed-oct-11-asked-jan-20');
    const nested = (n: number) => JSON.stringify({ ...s, name: `nest-${n}`, order: { ...s.order, notes: '@' } }).replace('"@"', `${'['.repeat(n)}${']'.repeat(n)}`);
    const deep = await server.request('POST', '/v1/samples', { key, body: nested(10_000) });
    expect(deep.status, deep.text.slice(0, 300)).toBe(400);
    expect(deep.body.errors).toEqual([{ path: `/order/notes${'/0'.repeat(MAX_BODY_DEPTH - 2)}`, message: `nests deeper than ${MAX_BODY_DEPTH} levels` }]);
    // Just within the bound, the same sample is stored (an order may carry fields of its own).
    const within = await server.request('POST', '/v1/samples', { key, body: nested(MAX_BODY_DEPTH - 2) });
    expect(within.status, within.text.slice(0, 300)).toBe(201);
  });
});

describe('large invalid values', () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('lists every problem of a value up to the bound, and the first one only beyond it', () => {
    const validate = schemaRegistry().compile({ $ref: 'sample.schema.json' });
    const s = sample('soom', 'soom-return-defective-doll-day-7');
    expect(validate({ ...s, order: { ...s.order, items: items(1000) } })).toHaveLength(1000);
    const started = performance.now();
    expect(validate({ ...s, order: { ...s.order, items: items(ALL_ERRORS_MAX_VALUES * 10) } })).toEqual([{ path: '/order/items/0', message: expect.any(String) }]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('answers a sample and a decide of 100,000 wrong items at once, with the first problem', async () => {
    const s = sample('solum', 'solum-holiday-placed-oct-11-asked-jan-20');
    let started = performance.now();
    const stored = await server.post('/v1/samples', { ...s, name: 'huge', order: { ...s.order, items: items(100_000) } }, await server.key('solum', 'editor'));
    expect(stored.status).toBe(400);
    expect(stored.body.errors[0].path).toBe('/order/items/0');
    expect(performance.now() - started).toBeLessThan(3000);
    started = performance.now();
    const decided = await server.post('/v1/policies/returns/decide', { input: { order: { ...s.order, items: items(100_000) }, request: s.requests.returns }, at: s.at }, await server.key('solum', 'decider'));
    expect(decided.status).toBe(400);
    expect(decided.body.errors).toEqual([{ path: '/input/order/items/0', message: expect.any(String) }]);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
