/**
 * Key secrets are compared in constant time on every path: the one comparison function
 * (secretMatches: sha256 of the presented secret against the stored hash with
 * crypto.timingSafeEqual, lengths fixed by the hash) answers right for every kind of
 * mismatch, and no module of the server compares a secret or a key hash with ==/===/!==
 * (which stops at the first differing character) or with Buffer#equals/compare.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateKey, hashSecret, secretMatches } from '../../server/services/api-keys.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('key comparison', () => {
  it('accepts the secret and refuses a wrong one of the same length, another hash, a short or empty hash', () => {
    const { secret } = generateKey();
    const stored = hashSecret(secret);
    expect(secretMatches(secret, stored)).toBe(true);
    expect(secretMatches(secret, Buffer.from(stored, 'hex'))).toBe(true);
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(secretMatches(wrong, stored)).toBe(false);
    expect(secretMatches(secret, hashSecret(generateKey().secret))).toBe(false);
    expect(secretMatches(secret, stored.slice(0, 32))).toBe(false);
    expect(secretMatches(secret, '')).toBe(false);
  });

  it('is never done with ==, ===, !==, equals or compare anywhere in the server', () => {
    // An operand naming a secret or a key hash; content hashes of policy documents (public) and cache maps are not secrets.
    const operand = /\b(?!contentHash\b|byHash\b)\w*(secret|Secret|hash|Hash)\w*\b/;
    const found: string[] = [];
    for (const file of sources(join(root, 'server'))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (/^\s*(\*|\/\/)/.test(line)) return;
        for (const m of line.matchAll(/([\w.?\]\)]+)\s*(!==?|===?)\s*([\w.?\[\(]+)/g)) {
          const [left, right] = [m[1]!, m[3]!];
          if (/^(null|undefined|-1|0|''|"")$/.test(right) || /^(null|undefined)$/.test(left)) continue;
          if (operand.test(left) || operand.test(right)) found.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
        }
        if (/\b\w*(secret|Secret|hash|Hash)\w*\.(equals|compare)\(/.test(line)) found.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
