/** `policy validate <file>`: exit 0 for a valid document (with its analysis warnings printed), 2 with path-named problems otherwise. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-validate-'));
const write = (name: string, content: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const valid = {
  key: 'window',
  title: 'Window',
  input: { type: 'object' },
  rules: [{ id: 'in', when: { '<=': [{ var: 'days' }, 30] }, then: { eligible: true } }],
  otherwise: { then: { eligible: false } },
};

describe('policy validate', () => {
  it('accepts a valid document with exit 0', async () => {
    const r = await runCli(['validate', write('valid.json', valid)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid policy "window"');
  });

  it('prints the static analysis warnings of a valid document with their paths, and still exits 0', async () => {
    const shadowed = { ...valid, params: { fee: { value: 5, description: 'Never read.' } }, rules: [...valid.rules, { id: 'in-again', when: { '<=': [{ var: 'days' }, 10] }, then: { eligible: true } }] };
    const r = await runCli(['validate', write('warnings.json', shadowed)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid policy "window" (2 rules, 0 tests, 2 warnings)');
    expect(r.stdout).toContain('warning /params/fee [unused-param]: param `fee` is never used');
    expect(r.stdout).toContain('warning /rules/1/when [unreachable-rule]: rule `in-again` never applies: every input it matches is decided first by rule `in`');
  });

  it('refuses a rule that calls "method", naming its JSON path, with exit 2', async () => {
    const hostile = { ...valid, rules: [{ id: 'x', when: { method: [{ var: 'constructor' }, 'constructor', ['return process']] }, then: {} }] };
    const r = await runCli(['validate', write('method.json', hostile)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/rules/0/when');
    expect(r.stderr).toContain('"method" is not allowed');
  });

  it('refuses a file that is not JSON, with exit 2', async () => {
    const r = await runCli(['validate', write('broken.json', '{"key": ')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not valid JSON');
  });

  it('refuses a file that does not exist, naming it, with exit 2 and no stack trace', async () => {
    const missing = join(dir, 'no-such-policy.json');
    const r = await runCli(['validate', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${missing}: invalid\n  /: ${missing} cannot be read: no such file\n`);
  });

  it('lists every problem of a document, not just the first', async () => {
    const bad = { ...valid, key: 'Bad Key', rules: [{ id: 'Bad Id', when: true, then: {} }] };
    const r = await runCli(['validate', write('bad.json', bad)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/key');
    expect(r.stderr).toContain('/rules/0/id');
  });
});
