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
    throw new ServiceError('malformed_json', `the body is not valid JSON: ${(err as Error).message}`, [{ path: '', message: 'is not valid JSON' }]);
  }
  const problems = validator(schemaId)(body);
  if (problems.length) throw new ServiceError('invalid_body', 'the request body does not match its schema', problems);
  return body as T;
}
