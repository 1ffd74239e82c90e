/**
 * Builds the editor into dist/editor when the build is missing or stale, so `npm start` (its
 * `prestart`) and the browser tests always serve the editor of the checked-out sources.
 * "Stale" is decided by content, not file times (a git checkout touches every file): a sha256
 * of every file under editor/, server/engine/ and schemas/ and of package-lock.json, kept
 * beside the build in dist/editor.build-hash.
 *
 *   tsx editor/scripts/ensure-build.ts            build if missing or stale
 *   tsx editor/scripts/ensure-build.ts --force    build anyway (npm run build)
 *
 * @example
 *   await ensureEditorBuild();   // 'fresh' (nothing to do) or 'built'
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const INPUTS = ['editor', 'server/engine', 'schemas', 'package-lock.json'];
export const editorDist = join(repo, 'dist', 'editor');
const stampFile = join(repo, 'dist', 'editor.build-hash');

async function files(path: string): Promise<string[]> {
  const full = join(repo, path);
  if (!existsSync(full)) return [];
  const entries = await readdir(full, { withFileTypes: true }).catch(() => null);
  if (!entries) return [full];
  const nested = await Promise.all(entries.map((e) => files(relative(repo, join(full, e.name)))));
  return nested.flat();
}

/** The hash of everything the build is made from. */
export async function sourceHash(): Promise<string> {
  const all = (await Promise.all(INPUTS.map(files))).flat().sort();
  const hash = createHash('sha256');
  for (const file of all) {
    hash.update(relative(repo, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * One build at a time across processes (test files run in parallel; `npm start` may run beside
 * them): a lock directory, made atomically; a lock older than LOCK_STALE_MS is a crashed build's.
 */
const lockDir = join(repo, 'dist', '.editor-build.lock');
const LOCK_STALE_MS = 5 * 60_000;

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export function ensureEditorBuild(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<'fresh' | 'built'> {
  return withLock(() => buildIfStale(options));
}

async function buildIfStale(options: { force?: boolean; log?: (line: string) => void }): Promise<'fresh' | 'built'> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const hash = await sourceHash();
  const built = existsSync(join(editorDist, 'index.html')) ? await readFile(stampFile, 'utf8').catch(() => '') : '';
  if (!options.force && built.trim() === hash) return 'fresh';
  log(built ? 'editor: sources changed, rebuilding dist/editor…' : 'editor: building dist/editor…');
  const started = performance.now();
  const { build } = await import('vite');
  await build({ configFile: join(repo, 'editor', 'vite.config.ts'), logLevel: 'warn' });
  await writeFile(stampFile, `${hash}\n`);
  log(`editor: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureEditorBuild({ force: process.argv.includes('--force') }).catch((err: unknown) => {
    process.stderr.write(`editor: build failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
