/** The "New tenant" screen's model: its route, the operator's /v1/me, and template params as params-form fields. */
import { describe, expect, it } from 'vitest';
import { parseMe } from '../../editor/src/api.ts';
import { parseRoute, routePath } from '../../editor/src/router.ts';
import { initialValue, paramField, tenantRequest } from '../../editor/src/screens/new-tenant.tsx';

const param = (over: Record<string, unknown>) => ({ name: 'p', policies: ['returns'], description: 'what it is', unit: null, default: 30, example: null, required: false, schema: { type: 'integer' }, ...over }) as Parameters<typeof initialValue>[0];

describe('new tenant', () => {
  it('has its route at /tenants/new', () => {
    expect(parseRoute('/tenants/new')).toEqual({ name: 'new-tenant' });
    expect(routePath({ name: 'new-tenant' })).toBe('/tenants/new');
    expect(parseRoute('/tenants/old')).toEqual({ name: 'not-found', path: '/tenants/old' });
  });

  it('reads an operator key from GET /v1/me: no tenant, only the tenants permission', () => {
    expect(parseMe({ tenant: '', tenantName: 'Platform operator', role: 'operator', keyId: 'k', permissions: ['tenants', 'self'] })).toMatchObject({ tenant: '', role: 'operator', permissions: ['tenants', 'self'] });
    expect(parseMe({ tenant: '', role: 'operator' }).permissions).toEqual(['tenants']);
  });

  it('sends the tenant\'s explanation language only when one is typed, trimmed', () => {
    const form = { tenant: ' acme ', name: '', template: 'returns-standard', params: { returnWindowDays: 14 }, language: ' ko ' };
    expect(tenantRequest(form)).toEqual({ tenant: 'acme', name: 'acme', template: 'returns-standard', params: { returnWindowDays: 14 }, language: 'ko' });
    expect(tenantRequest({ ...form, name: ' Acme ', language: '  ' })).toEqual({ tenant: 'acme', name: 'Acme', template: 'returns-standard', params: { returnWindowDays: 14 } });
  });

  it('reads the tenant\'s default explanation language from GET /v1/me (null when the server has none)', () => {
    expect(parseMe({ tenant: 'soom', tenantName: 'Soom', language: 'ko', role: 'admin', keyId: 'k', permissions: ['self'] }).language).toBe('ko');
    expect(parseMe({ tenant: 'soom', role: 'admin' }).language).toBeNull();
  });

  it('starts a param at its default, and a required one empty', () => {
    expect(initialValue(param({}))).toBe(30);
    expect(initialValue(param({ required: true, default: 'Returns desk', schema: { type: 'string' } }))).toBe('');
    expect(initialValue(param({ required: true, default: { a: 1 }, schema: { type: 'object' } }))).toBeNull();
  });

  it('makes a params-form field typed by the default, located where the API names its problems, marked when required', () => {
    expect(paramField(param({ unit: 'days' }), 14)).toEqual({ name: 'p', kind: 'number', value: 14, description: 'what it is', unit: 'days', source: null, path: '/params/p' });
    expect(paramField(param({ default: 'x', required: true }), '').unit).toBe('required');
    expect(paramField(param({ default: null, unit: 'USD', required: true }), null)).toMatchObject({ kind: 'json', unit: 'USD, required' });
    expect(paramField(param({ default: true }), false).kind).toBe('boolean');
    // A required param has no default: its example types the field.
    expect(paramField(param({ default: null, example: 'Returns desk', required: true }), '').kind).toBe('string');
  });
});
