/** Small I/O helpers shared by the CLI commands. */
import { readFileSync } from 'node:fs';
import type { Problem } from '../engine/index.ts';

/** Exit codes: 0 ok, 1 a check failed (tests), 2 bad input or usage. */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

function readText(fileOrDash: string): string {
  return readFileSync(fileOrDash === '-' ? 0 : fileOrDash, 'utf8');
}

/**
 * The JSON of a file (or of standard input for '-'), with its text. A file that cannot be read
 * or parsed is a problem naming it ("standard input" for '-'), not a stack trace.
 */
export function readJsonInput(fileOrDash: string): { ok: true; text: string; value: unknown } | { ok: false; problems: Problem[] } {
  const label = fileOrDash === '-' ? 'standard input' : fileOrDash;
  let text: string;
  try {
    text = readText(fileOrDash);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    return { ok: false, problems: [{ path: '', message: `${label} cannot be read: ${why}` }] };
  }
  const parsed = parseJson(text, label);
  return parsed.ok ? { ok: true, text, value: parsed.value } : parsed;
}

/** Parses JSON, naming the file and the position of a syntax error. */
function parseJson(text: string, label: string): { ok: true; value: unknown } | { ok: false; problems: Problem[] } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: `${label} is not valid JSON: ${(err as Error).message}` }] };
  }
}

export function printProblems(title: string, problems: Problem[], where = ''): void {
  process.stderr.write(`${title}\n`);
  for (const p of problems) process.stderr.write(`  ${where}${p.path || '/'}: ${p.message}\n`);
}
