/**
 * Policy documents and calls shared by the policy, draft, publish and version API tests: a
 * small new policy (`warranty`) that compiles and passes its two tests, a check of an answer
 * against its schema in schemas/api/, and the draft calls with their conditional headers.
 *
 * @example
 *   const created = await server.request('POST', '/v1/policies', { key, body: { document: warrantyDoc() } });
 *   expectSchema(created.body, 'api/policy-detail.schema.json');
 *   const saved = await putDraft(server, key, 'warranty', doc, { 'If-Match': created.headers.get('etag')! });
 */
import { expect } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import type { ApiResponse, TestServer } from './server.ts';

/** A new policy: repairs within `warrantyMonths` (12) months are free. Compiles; both tests pass. */
export function warrantyDoc(overrides: { key?: string; warrantyMonths?: number; title?: string } = {}): Record<string, any> {
  return {
    key: overrides.key ?? 'warranty',
    title: overrides.title ?? 'Warranty',
    description: 'Repairs within the warranty period are free.',
    input: {
      type: 'object',
      required: ['order', 'request'],
      properties: { order: { type: 'object' }, request: { type: 'object', required: ['months'], properties: { months: { type: 'integer', minimum: 0 } } } },
    },
    params: { warrantyMonths: { value: overrides.warrantyMonths ?? 12, description: 'Months of warranty from delivery.' } },
    rules: [
      {
        id: 'in-warranty',
        description: 'Within the warranty: free.',
        when: { '<=': [{ var: 'request.months' }, { var: 'params.warrantyMonths' }] },
        then: { covered: true, cost: 'free' },
      },
    ],
    otherwise: { id: 'out-of-warranty', then: { covered: false, cost: 'paid' } },
    tests: [
      { name: 'month 12 is covered', at: '2024-01-01T00:00:00Z', input: { order: {}, request: { months: 12 } }, expect: { covered: true, rule: 'in-warranty' } },
      { name: 'month 13 is not', at: '2024-01-01T00:00:00Z', input: { order: {}, request: { months: 13 } }, expect: { covered: false, cost: 'paid' } },
    ],
  };
}

/** The body validates against schemas/<schemaId> (what the OpenAPI document promises). */
export function expectSchema(body: unknown, schemaId: string): void {
  expect(schemaRegistry().compile({ $ref: schemaId })(body), schemaId).toEqual([]);
}

/** The quoted ETag header of an answer. */
export function etagOf(res: ApiResponse): string {
  const etag = res.headers.get('etag');
  expect(etag, res.text.slice(0, 300)).toMatch(/^"[A-Za-z0-9_-]+"$/);
  return etag!;
}

const draftPath = (policy: string) => `/v1/policies/${policy}/draft`;

export function putDraft(server: TestServer, key: string, policy: string, document: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return server.request('PUT', draftPath(policy), { key, body: { document }, headers });
}

/** Starts a draft of `policy` from the document of its version `version` (If-None-Match: *). */
export async function startDraft(server: TestServer, key: string, policy: string, version: number, edit: (doc: any) => void = () => {}): Promise<{ etag: string; document: any }> {
  const v = await server.get(`/v1/policies/${policy}/versions/${version}`, key);
  expect(v.status, v.text.slice(0, 300)).toBe(200);
  const document = structuredClone(v.body.document);
  edit(document);
  const res = await putDraft(server, key, policy, document, { 'If-None-Match': '*' });
  expect(res.status, res.text.slice(0, 300)).toBe(201);
  return { etag: etagOf(res), document };
}

export function publish(server: TestServer, key: string, policy: string, etag: string | null, body: unknown = { reason: 'test' }): Promise<ApiResponse> {
  return server.request('POST', `${draftPath(policy)}/publish`, { key, body, headers: etag === null ? {} : { 'If-Match': etag } });
}
