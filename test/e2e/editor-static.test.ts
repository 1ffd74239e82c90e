/**
 * How the server serves the editor's build (server/api/routes/editor.ts), in-process over a
 * small stand-in build in a temp folder: content types, long caching of hashed assets only,
 * gzip, the fallback to index.html for the editor's own paths, and nothing of it on /v1.
 * (editor.test.ts loads the real build in Chromium.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEditor } from '../../server/api/routes/editor.ts';
import type { AppEnv } from '../../server/api/types.ts';

const INDEX = '<!doctype html><title>Policy editor</title><script type="module" src="/assets/index-AbC123.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(5000))});`;

describe('the editor build served at /', () => {
  let dir: string;
  let app: Hono<AppEnv>;
  const warnings: unknown[] = [];
  const logger = { warn: (...args: unknown[]) => warnings.push(args) } as never;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'editor-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-AbC123.js'), SCRIPT);
    writeFileSync(join(dir, 'assets', 'codicon-Xy9.ttf'), Buffer.from([0, 1, 0, 0]));
    app = new Hono<AppEnv>();
    app.get('/healthz', (c) => c.json({ status: 'ok' }));
    registerEditor(app, { logger }, { dir });
    app.notFound((c) => c.json({ type: '/problems/not-found' }, 404, { 'Content-Type': 'application/problem+json' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers / with index.html, revalidated on every load', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
  });

  it('answers the editor\'s own paths with index.html (the app routes in the browser)', async () => {
    for (const path of ['/policies', '/policies/returns', '/policies/returns/', '/index.html']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe(INDEX);
    }
  });

  it('answers another path with the app and a 404 for a browser, and a plain 404 for anything else', async () => {
    const browser = await app.request('/nowhere', { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(browser.status).toBe(404);
    expect(await browser.text()).toBe(INDEX);
    const client = await app.request('/nowhere');
    expect(client.status).toBe(404);
    expect(client.headers.get('Content-Type')).toBe('application/problem+json');
  });

  it('serves hashed assets with their content type, cached for a year, gzipped when asked', async () => {
    const plain = await app.request('/assets/index-AbC123.js');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('Content-Encoding')).toBeNull();
    expect(await plain.text()).toBe(SCRIPT);

    const zipped = await app.request('/assets/index-AbC123.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(zipped.headers.get('Content-Encoding')).toBe('gzip');
    expect(zipped.headers.get('Vary')).toBe('Accept-Encoding');
    const body = Buffer.from(await zipped.arrayBuffer());
    expect(body.length).toBeLessThan(SCRIPT.length / 10);
    expect(gunzipSync(body).toString()).toBe(SCRIPT);

    const font = await app.request('/assets/codicon-Xy9.ttf');
    expect(font.headers.get('Content-Type')).toBe('font/ttf');
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await app.request('/assets/index-AbC123.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Length')).toBe(String(SCRIPT.length));
    expect(await res.text()).toBe('');
  });

  it('answers a missing file 404 rather than the app (a script given HTML fails confusingly)', async () => {
    expect((await app.request('/assets/index-OLD999.js')).status).toBe(404);
    expect((await app.request('/favicon.ico')).status).toBe(404);
  });

  it('never serves outside the build folder', async () => {
    for (const path of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/%E0%A4%A']) {
      const res = await app.request(path);
      expect(await res.text(), path).not.toContain('"name"');
    }
  });

  it('leaves /v1 and other routes alone', async () => {
    const api = await app.request('/v1/nothing-here');
    expect(api.status).toBe(404);
    expect(api.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await (await app.request('/v1')).text()).not.toBe(INDEX);
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('says how to build the editor when there is no build', async () => {
    const bare = new Hono<AppEnv>();
    registerEditor(bare, { logger }, { dir: join(dir, 'missing') });
    const res = await bare.request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
