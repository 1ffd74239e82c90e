/**
 * Engine cases as data (test/engine/cases/*.json): each {note, rule, data, want} or
 * {note, rule, data, error} is compiled and evaluated with the fixed clock of
 * test/helpers/engine.ts. Add a case by adding a line of JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evalExpr } from '../helpers/engine.ts';

interface Case { note: string; rule: unknown; data: unknown; want?: unknown; error?: string }

const dir = new URL('./cases/', import.meta.url);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const cases = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Case[];
  describe(file, () => {
    for (const c of cases) {
      it(c.note, () => {
        if (c.error !== undefined) expect(() => evalExpr(c.rule, c.data)).toThrow(c.error);
        else expect(evalExpr(c.rule, c.data)).toEqual(c.want);
      });
    }
  });
}
