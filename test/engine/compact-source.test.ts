/**
 * compactSource drops only the spaces generated JavaScript does not need: strings keep theirs
 * (escaped quotes included), words stay apart, and `a - -b` does not become `a--b`.
 */
import { describe, expect, it } from 'vitest';
import { compactSource } from '../../server/engine/compact-source.ts';

const run = (source: string, ...args: unknown[]) => new Function('a', 'b', source)(...args) as unknown;

describe('compactSource', () => {
  const cases: Array<[string, string]> = [
    ['return a - -b;', 'return a- -b;'],
    ['return a + +b;', 'return a+ +b;'],
    ['return typeof a !== \'string\' ? "x y" : \'p q\';', 'return typeof a!==\'string\'?"x y":\'p q\';'],
    ['return typeof a === "object" && a !== null && "k" in a ? "say \\"hi there\\" \\\\" : b;', 'return typeof a==="object"&&a!==null&&"k"in a?"say \\"hi there\\" \\\\":b;'],
    ['let t0; if (a === null || a === undefined) { t0 = \'it\\\'s  \'; } else { t0 = b; } return t0;', 'let t0;if(a===null||a===undefined){t0=\'it\\\'s  \';}else{t0=b;}return t0;'],
  ];
  it.each(cases)('%s', (source, want) => {
    expect(compactSource(source)).toBe(want);
    for (const [a, b] of [[1, 2], [{ k: 1 }, 'x'], [null, -3], ['s', undefined]] as const) {
      expect(run(compactSource(source), a, b)).toEqual(run(source, a, b));
    }
  });
});
