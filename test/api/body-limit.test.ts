/**
 * BODY_LIMIT_BYTES on both ways a client can send a body: with Content-Length (judged from the
 * header, the body never read) and chunked, length unknown (counted as it arrives). Either way
 * an oversized body is a 413 problem and a body within the limit is decided as usual.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eslReturn } from '../helpers/orders.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let key: string;

beforeAll(async () => {
  server = await startServer({ env: { BODY_LIMIT_BYTES: '4096' } });
  key = await server.key('solum', 'decider');
});
afterAll(() => server?.close());

/** POSTs the body in chunks with Transfer-Encoding: chunked (no Content-Length). */
function postChunked(path: string, chunks: string[]): Promise<{ status: number; type: string | undefined; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}`, 'Transfer-Encoding': 'chunked' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('body limit', () => {
  const body = { input: eslReturn('2024-03-01T10:00:00Z'), at: '2024-03-10T10:00:00Z' };

  it('decides a body within the limit, with Content-Length and chunked alike', async () => {
    const text = JSON.stringify(body);
    expect(text.length).toBeLessThan(4096);
    const plain = await server.post('/v1/policies/returns/decide', body, key);
    expect(plain.status, plain.text).toBe(200);
    const chunked = await postChunked('/v1/policies/returns/decide', [text.slice(0, 100), text.slice(100)]);
    expect(chunked.status).toBe(200);
    expect(chunked.body.decision).toEqual(plain.body.decision);
  });

  it('answers 413 problem+json to a body over the limit, with Content-Length and chunked alike', async () => {
    const big = { ...body, input: { ...body.input, pad: 'x'.repeat(5000) } };
    const plain = await server.post('/v1/policies/returns/decide', big, key);
    expect(plain.status).toBe(413);
    expect(plain.headers.get('content-type')).toBe('application/problem+json');
    const text = JSON.stringify(big);
    const chunked = await postChunked('/v1/policies/returns/decide', [text.slice(0, 3000), text.slice(3000)]);
    expect(chunked.status).toBe(413);
    expect(chunked.type).toBe('application/problem+json');
    expect(chunked.body.type).toBe('/problems/payload-too-large');
  });
});
