/**
 * Vite config of the staff editor (editor/ is the Vite root). `npm run build` writes the static
 * app to dist/editor, which the server serves at /; `npm run dev` serves it with hot reload and
 * proxies the API (/v1, /openapi.json, /healthz) to a running server (API_URL, default
 * http://127.0.0.1:8787, i.e. `npm start` in another terminal).
 */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));
const api = process.env.API_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root,
  base: '/',
  // The policy DSL and every tenant schema are bundled from schemas/ (import.meta.glob) and the
  // engine from server/engine/: both live outside the Vite root.
  server: { fs: { allow: [repo] }, proxy: { '/v1': api, '/openapi.json': api, '/healthz': api } },
  plugins: [preact()],
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../dist/editor', import.meta.url)),
    emptyOutDir: true,
    // Monaco alone is ~4 MB of JavaScript; it is one hashed, long-cached file.
    chunkSizeWarningLimit: 6000,
    reportCompressedSize: false,
    // The worker transform is most of a ~3 s build; that is expected, not worth a warning.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
