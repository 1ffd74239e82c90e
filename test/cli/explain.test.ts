/** `policy decide --explain [--language]`: the explanation the API answers, from policies/ without a server. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const sample = JSON.parse(readFileSync(new URL('../../policies/solum/samples/solum-return-day-31-esl-original.json', import.meta.url), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'policy-explain-'));
const inputFile = join(dir, 'input.json');
writeFileSync(inputFile, JSON.stringify({ order: sample.order, request: sample.requests.returns }));

describe('policy decide --explain', () => {
  it('"Items shipped from SAI, including Solum warehouse, can be returned within 30 days of delivery, with some exceptions:": prints the reasons and what would have changed them, no trace', async () => {
    const r = await runCli(['decide', 'solum/returns', '--at', sample.at, '--input', inputFile, '--explain']);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.trace).toBeUndefined();
    expect(answer.explanation.reasons.map((x: { text: string }) => x.text)).toEqual([
      'None of the returned items can be accepted: no refund',
      'NEWTON-42-BWRY: delivered 31 days ago; the return window is 30 days (last day May 2, 2024), and ESL and accessories are not returnable after it',
    ]);
    expect(answer.explanation.wouldChange.map((x: { text: string }) => x.text)).toEqual(['a return asked by May 2, 2024 would have been accepted']);
  });

  it('without --explain prints no explanation', async () => {
    const r = await runCli(['decide', 'solum/returns', '--at', sample.at, '--input', inputFile]);
    expect(JSON.parse(r.stdout).explanation).toBeUndefined();
  });
});
