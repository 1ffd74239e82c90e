/**
 * The README's route table ("body → answer") names every top-level field of each answer it
 * spells out as `{...}`, as the route's response schema (schemas/api/) has them, and for a route
 * that streams NDJSON, every kind of line (the oneOf of its stream-line schema).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRouteSpecs } from '../../server/api/routes/index.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const schema = (id: string) => JSON.parse(readFileSync(new URL(`../../schemas/${id}`, import.meta.url), 'utf8')) as { properties?: Record<string, unknown>; oneOf?: Array<{ properties?: Record<string, unknown> }> };

/** The rows of the route table: method, path and the "body → answer" cell. */
const rows = [...readme.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/[^`]*)` \| (.*) \| [^|]* \|$/gm)].map((m) => ({ method: m[1]!.toLowerCase(), path: m[2]!, cell: m[3]! }));

/** The field names at the top level of the first `{...}` in `text` (a trailing `?` marks an optional one). */
function topLevelFields(text: string): string[] | null {
  const start = text.indexOf('{');
  if (start < 0) return null;
  const fields: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text.slice(start)) {
    if (ch === '{' || ch === '[') depth++;
    if (depth === 1 && (ch === ',' || ch === '}')) {
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(current)?.[1];
      if (name) fields.push(name);
      current = '';
    } else if (depth === 1 && ch !== '{') current += ch;
    if (ch === '}' || ch === ']') depth--;
    if (depth === 0) break;
  }
  return fields;
}

describe('README route table', () => {
  it('has the simulation routes', () => {
    expect(rows.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['post /v1/policies/{policy}/simulate', 'post /v1/simulate']));
  });

  for (const row of rows) {
    const spec = allRouteSpecs.find((s) => s.method === row.method && s.path === row.path);
    const answerId = spec && (spec.responses[200] ?? spec.responses[201])?.schema;
    const answer = row.cell.split('→')[1]?.replace(/`/g, '').replace(/\\\|/g, '|');
    if (!answerId || answer === undefined || !/^\s*(\d+ )?\{/.test(answer)) continue;
    it(`${row.method.toUpperCase()} ${row.path} lists every top-level field of ${answerId}`, () => {
      expect(topLevelFields(answer)!.sort()).toEqual(Object.keys(schema(answerId).properties ?? {}).sort());
    });
    const streamId = spec.headers?.map((h) => /lines of schemas\/(api\/[^)\s]+\.json)/.exec(h.description)?.[1]).find(Boolean);
    if (streamId && row.cell.includes('application/x-ndjson')) {
      it(`${row.method.toUpperCase()} ${row.path} names every kind of streamed line of ${streamId}`, () => {
        for (const line of schema(streamId).oneOf ?? []) {
          for (const field of Object.keys(line.properties ?? {})) expect(row.cell, `${streamId} line {${Object.keys(line.properties ?? {}).join(', ')}}`).toMatch(new RegExp(`[{,] ?${field}\\??[,}]`));
        }
      });
    }
  }
});
