/**
 * The staff editor's static files (editor/, built by Vite into dist/editor), served at /:
 *   GET /assets/<name>-<hash>.<ext>   long-cached (immutable: the name changes with the content)
 *   GET /<file>                       a file of the build (no-cache)
 *   GET /, /policies, /policies/…     index.html, so the editor's own paths (/policies/returns)
 *                                     load the app (no-cache, so a new build is picked up at once)
 *   GET /<other>                      for a browser (Accept: text/html) index.html with status 404
 *                                     (the app says "nothing here"); for anything else the usual
 *                                     problem+json 404
 * /v1/* is never answered here: an unknown API path stays a problem+json 404. Registered after
 * every other route, so /healthz, /metrics, /openapi.json and /docs are theirs. Text files are
 * gzipped once and kept in memory (Monaco alone is ~3.5 MB of JavaScript, ~0.9 MB gzipped).
 * Without a build (`npm start` builds it; tests build it in their setup) / says how to build it.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Context, Hono } from 'hono';
import type { AppDeps, AppEnv } from '../types.ts';

const gzip = promisify(gzipCallback);

export const editorDistDir = fileURLToPath(new URL('../../../dist/editor/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.ttf', '.txt']);
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Cached {
  mtimeMs: number;
  body: Buffer;
  gzipped: Buffer | null;
}

export function registerEditor(app: Hono<AppEnv>, deps: Pick<AppDeps, 'logger'>, options: { dir?: string } = {}): void {
  const root = normalize(options.dir ?? editorDistDir).replace(/[\\/]+$/, '');
  const cache = new Map<string, Cached>();

  async function load(file: string): Promise<Cached | null> {
    let info;
    try {
      info = await stat(file);
    } catch {
      return null;
    }
    if (!info.isFile()) return null;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === info.mtimeMs) return hit;
    const body = await readFile(file);
    const gzipped = COMPRESSIBLE.has(extname(file)) && body.length > 1024 ? await gzip(body, { level: 9 }) : null;
    const entry = { mtimeMs: info.mtimeMs, body, gzipped };
    cache.set(file, entry);
    return entry;
  }

  function send(c: Context<AppEnv>, file: string, entry: Cached, cacheControl: string, status: 200 | 404 = 200): Response {
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': cacheControl,
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
    };
    const useGzip = entry.gzipped !== null && /\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '');
    if (useGzip) headers['Content-Encoding'] = 'gzip';
    const body = useGzip ? entry.gzipped! : entry.body;
    headers['Content-Length'] = String(body.length);
    if (c.req.method === 'HEAD') return c.body(null, status, headers);
    return c.body(new Uint8Array(body), status, headers);
  }

  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const path = c.req.path;
    if (path === '/v1' || path.startsWith('/v1/')) return next();
    let relative: string;
    try {
      relative = normalize(decodeURIComponent(path)).replace(/^[\\/]+/, '');
    } catch {
      return next(); // malformed escape: not a file of ours
    }
    if (relative.includes('\0') || relative.split(/[\\/]/).includes('..')) return next();

    if (relative !== '' && relative !== 'index.html') {
      const file = join(root, relative);
      if (!file.startsWith(root + sep)) return next();
      const entry = await load(file);
      if (entry) return send(c, file, entry, relative.startsWith(`assets${sep}`) || relative.startsWith('assets/') ? IMMUTABLE : 'no-cache');
      // A missing file (an old hashed asset, a typo) is a 404, not the app: a script tag given
      // HTML would fail with a confusing MIME-type error instead.
      if (extname(relative) !== '') return next();
    }

    const appPath = relative === '' || relative === 'index.html' || /^policies([\\/]|$)/.test(relative);
    if (!appPath && !/\btext\/html\b/.test(c.req.header('Accept') ?? '')) return next();
    const index = join(root, 'index.html');
    const entry = await load(index);
    if (entry) return send(c, index, entry, 'no-cache', appPath ? 200 : 404);
    deps.logger.warn({ dir: root }, 'the editor is not built: run npm run build');
    return c.html(
      '<!doctype html><title>Policy editor not built</title><p>The editor has not been built. Run <code>npm run build</code> (or <code>npm start</code>, which builds it when needed) and reload.</p>',
      503,
      { 'Cache-Control': 'no-store' },
    );
  });
}
