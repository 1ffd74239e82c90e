/**
 * Every route of the table that is not a GET is called once, successfully, by a tenant key:
 * a route that changes the tenant's data leaves exactly one audit row, with the calling key
 * as actor and, where the route takes a reason (a `reason` body field or query parameter),
 * that reason; a route that changes nothing (decide, simulate, validate, test, replay) leaves
 * none and changes no row but the decision log's. A new non-GET route fails here until it has
 * a scenario below. Routes no tenant role may call (a platform operator's) are outside the
 * tenant's audit log and are not listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchemaFiles } from '../../server/catalog/schema-files.ts';
import type { RouteSpec } from '../../server/api/route-spec.ts';
import { ROLES, can } from '../../server/services/roles.ts';
import { sample } from '../helpers/orders.ts';
import { eslReturn } from '../helpers/orders.ts';
import { etagOf, warrantyDoc } from '../helpers/policy-docs.ts';
import { routeName, snapshotTenant, v1Specs } from '../helpers/route-matrix.ts';
import { startServer } from '../helpers/server.ts';
import type { ApiResponse, TestServer } from '../helpers/server.ts';

let server: TestServer;
let admin: string;
let adminId: string;
beforeAll(async () => {
  server = await startServer();
  admin = await server.key('solum', 'admin');
  adminId = (await server.actor('solum', 'admin')).keyId;
});
afterAll(() => server?.close());

interface Scenario {
  /** Calls made first (their own audit rows are not counted). */
  setup?: () => Promise<void>;
  /** The one call of the route; `reason` is to be sent where the route takes one. */
  call: (reason: string) => Promise<ApiResponse>;
  /** Whether a successful call changes the tenant's data (else: no audit row, no change). */
  changes: boolean;
}

const req = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => server.request(method, path, { key: admin, headers, ...(body !== undefined ? { body } : {}) });
const q = (reason: string) => `reason=${encodeURIComponent(reason)}`;
const decideBody = { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' };
let draftEtag = '';
let activationId = 0;
let keyId = '';
let decisionId = '';
const newSample = (name: string) => {
  const { $schema: _schema, ...doc } = sample('solum', 'solum-holiday-asked-feb-20') as any;
  return { ...doc, name };
};

/** One scenario per non-GET route, in an order where each finds what it needs. */
const SCENARIOS: Record<string, Scenario> = {
  'POST /v1/policies/{policy}/decide': { changes: false, call: () => req('POST', '/v1/policies/returns/decide', decideBody) },
  'POST /v1/policies/{policy}/decide/batch': { changes: false, call: () => req('POST', '/v1/policies/returns/decide/batch', { requests: [decideBody, decideBody] }) },
  'POST /v1/policies': { changes: true, call: (reason) => req('POST', '/v1/policies', { document: warrantyDoc(), reason }) },
  'PUT /v1/policies/{policy}/draft': {
    changes: true,
    setup: async () => {
      draftEtag = etagOf(await req('GET', '/v1/policies/warranty/draft'));
    },
    call: async () => {
      const res = await req('PUT', '/v1/policies/warranty/draft', { document: warrantyDoc({ title: 'Warranty (edited)' }) }, { 'If-Match': draftEtag });
      if (res.status === 200) draftEtag = etagOf(res);
      return res;
    },
  },
  'POST /v1/policies/{policy}/draft/validate': { changes: false, call: () => req('POST', '/v1/policies/warranty/draft/validate') },
  'POST /v1/policies/{policy}/draft/test': { changes: false, call: () => req('POST', '/v1/policies/warranty/draft/test') },
  'POST /v1/policies/{policy}/simulate': { changes: false, call: () => req('POST', '/v1/policies/returns/simulate', { candidate: { version: 2 }, cases: { samples: true } }) },
  'POST /v1/simulate': { changes: false, call: () => req('POST', '/v1/simulate', { changes: [{ policy: 'returns', candidate: { version: 2 } }], cases: { samples: true } }) },
  'POST /v1/policies/{policy}/draft/publish': { changes: true, call: (reason) => req('POST', '/v1/policies/warranty/draft/publish', { reason }, { 'If-Match': draftEtag }) },
  'DELETE /v1/policies/{policy}/draft': {
    changes: true,
    setup: async () => {
      draftEtag = etagOf(await req('PUT', '/v1/policies/warranty/draft', { document: warrantyDoc({ title: 'Warranty (abandoned)' }) }, { 'If-None-Match': '*' }));
    },
    call: (reason) => req('DELETE', `/v1/policies/warranty/draft?${q(reason)}`, undefined, { 'If-Match': draftEtag }),
  },
  'POST /v1/decisions/{id}/replay': {
    changes: false,
    setup: async () => {
      decisionId = (await req('POST', '/v1/policies/returns/decide', decideBody)).body.id;
    },
    call: () => req('POST', `/v1/decisions/${decisionId}/replay`, {}),
  },
  'POST /v1/policies/{policy}/activations': {
    changes: true,
    call: async (reason) => {
      const res = await req('POST', '/v1/policies/returns/activations', { version: 2, from: '2099-01-01T00:00:00Z', reason });
      activationId = res.body.id;
      return res;
    },
  },
  'DELETE /v1/policies/{policy}/activations/{id}': { changes: true, call: (reason) => req('DELETE', `/v1/policies/returns/activations/${activationId}?${q(reason)}`) },
  'POST /v1/samples': { changes: true, call: () => req('POST', '/v1/samples', newSample('audited-sample')) },
  'DELETE /v1/samples/{name}': { changes: true, call: (reason) => req('DELETE', `/v1/samples/audited-sample?${q(reason)}`) },
  'POST /v1/keys': {
    changes: true,
    call: async (reason) => {
      const res = await req('POST', '/v1/keys', { role: 'viewer', name: 'audited', reason });
      keyId = res.body.key?.id;
      return res;
    },
  },
  'DELETE /v1/keys/{id}': { changes: true, call: (reason) => req('DELETE', `/v1/keys/${keyId}?${q(reason)}`) },
};

/** The tenant's non-GET routes: those some tenant role may call. */
const changing = v1Specs.filter((s) => s.method !== 'get' && (!s.permission || ROLES.some((r) => can(r, s.permission!))));

/** Whether the route takes a reason: a `reason` property of its body schema or a `reason` query parameter. */
function takesReason(spec: RouteSpec): boolean {
  if ((spec.query ?? []).some((p) => p.name === 'reason')) return true;
  if (!spec.body) return false;
  const schema = loadSchemaFiles()[spec.body] as { properties?: Record<string, unknown> } | undefined;
  return !!schema?.properties && 'reason' in schema.properties;
}

const auditRows = async () =>
  (await server.runtime.db.execute({ sql: "SELECT id, actor, action, target, reason FROM audit_log WHERE tenant = 'solum' ORDER BY rowid", args: [] })).rows.map((r) => ({ ...r }));
/** The tenant's rows but the decision log's (a decision is logged, not audited) and the audit log itself. */
const state = async () => {
  const { decisions: _d, audit_log: _a, ...rest } = await snapshotTenant(server.runtime.db, 'solum');
  return rest;
};

describe('the audit log records every change with actor and reason', () => {
  it('has a scenario for every non-GET route of the table', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(changing.map(routeName).sort());
  });

  it.each(Object.keys(SCENARIOS).map((name) => [name] as const))('%s', async (name) => {
    const spec = changing.find((s) => routeName(s) === name)!;
    const scenario = SCENARIOS[name]!;
    await scenario.setup?.();
    const reason = `audit test: ${name}`;
    const before = { audit: await auditRows(), state: await state() };
    const res = await scenario.call(reason);
    expect(res.status, `${name}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
    expect(res.status, `${name}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
    const added = (await auditRows()).slice(before.audit.length);
    if (!scenario.changes) {
      expect(added, name).toEqual([]);
      expect(await state(), `${name} changed the tenant's data`).toEqual(before.state);
      return;
    }
    expect(await state(), `${name} changed nothing`).not.toEqual(before.state);
    expect(added, name).toHaveLength(1);
    expect(added[0], name).toMatchObject({ actor: adminId, action: expect.stringMatching(/^[a-z]+\.[a-z]+$/), target: expect.any(String) });
    if (takesReason(spec)) expect(added[0]!.reason, `${name} takes a reason`).toBe(reason);
  });
});
