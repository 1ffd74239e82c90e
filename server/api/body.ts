/**
 * Reads a JSON request body and validates it against a schema of schemas/api/ (the same
 * documents the OpenAPI description refers to). Every failure is a 4xx problem, never a crash:
 * wrong content type 415, unparsable JSON 400 malformed_json, schema violations 400
 * invalid_body with each problem's JSON path into the body.
 */
import type { Context } from 'hono';
import type { Validator } from '../engine/index.ts';
import { schemaRegistry } from '../catalog/schema-files.ts';
import { ServiceError } from '../errors.ts';

const validators = new Map<string, Validator>();

function validator(schemaId: string): Validator {
  let v = validators.get(schemaId);
  if (!v) {
    v = schemaRegistry().compile({ $ref: schemaId });
    validators.set(schemaId, v);
  }
  return v;
}

/** Deepest nesting of a body: a policy document nests at most 64 deep (engine/safety-limits.ts), an order a few. */
export const MAX_BODY_DEPTH = 128;

/**
 * What JSON.parse accepts but nothing after it should meet, found by a walk without recursion:
 * nesting deeper than MAX_BODY_DEPTH (JSON.stringify, ajv and the engine recurse: 10,000 levels
 * overflowed the stack when a sample was stored, a 500), and numbers beyond a double's range
 * (JSON.parse reads 1e999 as Infinity, which ajv takes for an integer: an activation of version
 * 1e999 answered 500).
 */
export function outOfBounds(body: unknown): { path: string; message: string; detail: string } | null {
  // Checked without paths first (every body), then walked again for the path (only a refused one).
  if (!walk(body, false)) return null;
  const { path, kind } = walk(body, true)!;
  return kind === 'number'
    ? { path, message: 'is a number too large to represent (beyond ±1.8e308)', detail: 'a number in the body is beyond the range of a double' }
    : { path, message: `nests deeper than ${MAX_BODY_DEPTH} levels`, detail: `the body nests deeper than ${MAX_BODY_DEPTH} levels` };
}

function walk(body: unknown, withPaths: boolean): { path: string; kind: 'number' | 'depth' } | null {
  const values: unknown[] = [body];
  const depths: number[] = [0];
  const paths: string[] = [''];
  while (values.length) {
    const value = values.pop();
    const depth = depths.pop()!;
    const path = withPaths ? paths.pop()! : '';
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path, kind: 'number' };
    } else if (value !== null && typeof value === 'object') {
      if (depth === MAX_BODY_DEPTH) return { path, kind: 'depth' };
      for (const k of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[k];
        if (v === null || (typeof v !== 'object' && typeof v !== 'number')) continue;
        values.push(v);
        depths.push(depth + 1);
        if (withPaths) paths.push(`${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      }
    }
  }
  return null;
}

/** The body as T once it satisfies schemas/<schemaId>. */
export async function readJsonBody<T>(c: Context, schemaId: string): Promise<T> {
  const type = c.req.header('Content-Type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new ServiceError('unsupported_media_type', 'send the body as JSON with Content-Type: application/json');
  }
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    if (!text.trim()) throw new ServiceError('malformed_json', 'the body is empty: send a JSON object (at least {})', [{ path: '', message: 'is empty' }]);
    throw new ServiceError('malformed_json', `the body is not valid JSON: ${(err as Error).message}`, [{ path: '', message: 'is not valid JSON' }]);
  }
  const offence = outOfBounds(body);
  if (offence) throw new ServiceError('invalid_body', offence.detail, [{ path: offence.path, message: offence.message }]);
  const problems = validator(schemaId)(body);
  if (problems.length) throw new ServiceError('invalid_body', 'the request body does not match its schema', problems);
  return body as T;
}
