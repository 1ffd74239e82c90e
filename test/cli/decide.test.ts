/**
 * `policy decide` and `policy test` as a user runs them: the answer of DESIGN.md's fixed entry
 * points, the version active at --at (the 2023 holiday activation included), input from a file
 * or standard input, and exit 2 with path-named problems for bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const sample = JSON.parse(readFileSync(new URL('../../policies/solum/samples/solum-holiday-placed-oct-11-asked-jan-20.json', import.meta.url), 'utf8'));
const input = { order: sample.order, request: sample.requests.returns };
const dir = mkdtempSync(join(tmpdir(), 'policy-decide-'));
const inputFile = join(dir, 'input.json');
writeFileSync(inputFile, JSON.stringify(input));

describe('policy decide', () => {
  it('prints {id, tenant, policy, version, at, versionAsOf, pinTo, decision} with the version active at --at', async () => {
    const r = await runCli(['decide', 'solum/returns', '--at', '2024-01-20T10:00:00Z', '--input', inputFile]);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(Object.keys(answer)).toEqual(['id', 'tenant', 'policy', 'version', 'at', 'versionAsOf', 'pinTo', 'decision']);
    expect(answer).toMatchObject({ tenant: 'solum', policy: 'returns', version: 2, at: '2024-01-20T10:00:00Z' });
    expect(answer.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(answer.decision.returnBy).toBe('2024-01-31');
  });

  it('uses the base version outside the holiday window and reads input from standard input', async () => {
    const r = await runCli(['decide', 'solum/returns', '--at', '2024-02-01T00:00:00Z', '--input', '-', '--trace'], JSON.stringify(input));
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.version).toBe(1);
    expect(answer.trace.rules.length).toBeGreaterThan(0);
  });

  it('exits 2 with each problem and its JSON path on stderr for bad input', async () => {
    const bad = { order: { ...input.order, currency: 5, items: [] }, request: { ...input.request, reason: 'bored' } };
    const r = await runCli(['decide', 'solum/returns', '--at', '2024-01-20T10:00:00Z', '--input', '-'], JSON.stringify(bad));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('/order/currency');
    expect(r.stderr).toContain('/request/reason');
  });

  it('exits 2 for input that is not JSON, and for an unknown policy', async () => {
    expect((await runCli(['decide', 'solum/returns', '--input', '-'], '{nope')).code).toBe(2);
    const unknown = await runCli(['decide', 'solum/points', '--input', inputFile]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no policy "points" for tenant "solum"');
  });

  it('prints what the README shows for the sample order it names', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('`decide` prints the same answer as'));
    expect(section).toContain('policies/solum/samples/solum-holiday-placed-oct-11-asked-jan-20.json');
    const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!);
    const r = await runCli(['decide', 'solum/returns', '--at', '2023-12-20T10:00:00Z', '--input', inputFile]);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    const { id: _id, decision: shownDecision, ...rest } = shown;
    const { '…': _more, ...fields } = shownDecision;
    expect(answer).toMatchObject({ ...rest, decision: fields });
  });

  it('exits 2 naming an --input file that does not exist, without a stack trace', async () => {
    const missing = join(dir, 'no-such-order.json');
    const r = await runCli(['decide', 'solum/returns', '--input', missing]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`invalid input\n  /: ${missing} cannot be read: no such file\n`);
  });
});

describe('policy test', () => {
  it('runs the embedded tests of one policy and exits 0 when all pass', async () => {
    const r = await runCli(['test', 'soom/points']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });
});
