/**
 * SECURITY.md stays true to the repository: every file it names (tests that prove a threat is
 * handled, the modules that handle it) exists, every setting it names is one the server reads,
 * and the README links to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(`${root}${file}`, 'utf8');
const security = read('SECURITY.md');

describe('SECURITY.md', () => {
  it('names only files and folders that exist', () => {
    const paths = [...new Set([...security.matchAll(/`((?:test|server|schemas|docs|policies)\/[^`\s]*)`/g)].map((m) => m[1]!))];
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !existsSync(`${root}${p}`))).toEqual([]);
  });

  it('names a test file for every threat of its tables', () => {
    const rows = security.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !/^\| (threat|asset|actor) \|/.test(l));
    const threats = rows.filter((l) => l.split('|').length === 5 && !/^\| \*\*/.test(l));
    expect(threats.length).toBeGreaterThan(20);
    // The one row without a test says why (a deployment matter).
    expect(threats.filter((l) => !/`test\/[^`]+`|deployment/.test(l.split('|')[3]!))).toEqual([]);
  });

  it('names only settings the server reads', () => {
    const config = read('server/config.ts');
    const settings = [...new Set([...security.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((m) => m[1]!))];
    expect(settings.length).toBeGreaterThan(5);
    expect(settings.filter((s) => !config.includes(`'${s}'`) && !config.includes(`env.${s}`))).toEqual([]);
  });

  it('is linked from the README', () => {
    expect(read('README.md')).toContain('](SECURITY.md)');
  });
});
