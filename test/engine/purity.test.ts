/**
 * The engine is pure and isomorphic: the editor bundles it, so nothing under server/engine/
 * may import Node modules, read the environment or the clock, or do I/O.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const engineDir = fileURLToPath(new URL('../../server/engine/', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

const forbidden: Array<[string, RegExp]> = [
  ['a node: import', /from ['"]node:/],
  ['a Node built-in import', /from ['"](fs|path|os|child_process|crypto|http|net|worker_threads)['"]/],
  ['process', /\bprocess\./],
  ['require', /\brequire\(/],
  ['the wall clock', /\bDate\.now\(|new Date\(\)/],
  ['Math.random', /Math\.random/],
  ['fetch', /\bfetch\(/],
];

const generatedTypes = fileURLToPath(new URL('../../server/types/schemas.gen.ts', import.meta.url));

describe('server/engine purity', () => {
  const sources = files(engineDir).map((f) => [f.slice(engineDir.length), readFileSync(f, 'utf8')] as const);
  it('imports nothing of ours from outside the engine but the generated types', () => {
    const outside = files(engineDir).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/from ['"](\.[^'"]+)['"]/g)]
        .map((m) => resolve(dirname(f), m[1]!))
        .filter((target) => !target.startsWith(engineDir) && target !== generatedTypes)
        .map((target) => `${f.slice(engineDir.length)} → ${target}`),
    );
    expect(outside).toEqual([]);
  });
  it('has source files', () => {
    expect(sources.length).toBeGreaterThan(10);
  });
  it.each(forbidden)('no file uses %s', (_what, pattern) => {
    const offenders = sources.filter(([, text]) => text.split('\n').some((line) => !/^\s*(\*|\/\/)/.test(line) && pattern.test(line))).map(([f]) => f);
    expect(offenders).toEqual([]);
  });
});
