/**
 * Generated JavaScript without the spaces it does not need. V8 keeps the source of a function
 * as long as the function lives, and the phases generated for a hot policy keep theirs for the
 * policy's life: 7-87 KB for a seed document, about a third of the heap it then holds
 * (bench/compiled-memory.ts), a sixth of which was spaces. Same tokens, so the same program.
 *
 * For the code codegen.ts writes: string literals in double quotes (JSON.stringify) or single
 * quotes, no template literals, regular expressions or comments (a sourceURL comment goes after).
 */
/** A character of a word (identifier, keyword, number): [A-Za-z0-9_$]. */
function isWord(ch: number): boolean {
  return (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57) || ch === 95 || ch === 36;
}

const SPACE = 32, PLUS = 43, MINUS = 45, BACKSLASH = 92, DOUBLE = 34, SINGLE = 39;

export function compactSource(source: string): string {
  const runs: string[] = [];
  let start = 0;
  let last = 0;
  let quote = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (quote !== 0) {
      if (ch === BACKSLASH) i++;
      else if (ch === quote) quote = 0;
      last = ch;
      continue;
    }
    if (ch === SPACE) {
      const next = source.charCodeAt(i + 1);
      // A space between two words (`return t1`, `typeof x`), or between two + or two - (`a - -b`), is part of the program.
      if ((isWord(last) && isWord(next)) || ((last === PLUS || last === MINUS) && next === last)) {
        last = ch;
        continue;
      }
      runs.push(source.slice(start, i));
      start = i + 1;
      continue;
    }
    if (ch === DOUBLE || ch === SINGLE) quote = ch;
    last = ch;
  }
  runs.push(source.slice(start));
  return runs.join('');
}
