/**
 * Templates beyond the one shipped: a template of two policies sharing a param (one field, its
 * value written into both), created through the API from a policies folder of its own; and the
 * loader's refusals of a broken template folder, each naming the file and JSON path.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates } from '../../server/catalog/template-files.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-templates-'));
const OPERATOR_KEY = 'multi-template-operator-key-0123456789';

const policy = (key: string, rule: unknown) => ({
  key,
  title: `${key} policy`,
  input: { type: 'object' },
  params: {
    windowDays: { value: 30, unit: 'days', description: 'Days after the purchase the policy allows.', schema: { type: 'integer', minimum: 1 } },
    [`${key}Only`]: { value: 'x', description: `A param only ${key} has, for the test.`, schema: { type: 'string' } },
  },
  rules: [{ id: 'inside', description: 'Inside the window.', when: rule, then: { ok: true, window: { var: 'params.windowDays' } } }],
  otherwise: { id: 'outside', then: { ok: false, window: { var: 'params.windowDays' } } },
  tests: [{ name: 'day 3 is inside', at: '2024-01-04T00:00:00Z', params: { windowDays: 30 }, input: { days: 3 }, expect: { ok: true } }],
});

function writeTemplate(root: string, id: string, manifest: object, files: Record<string, unknown>): void {
  const folder = join(root, '_templates', id);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'template.json'), JSON.stringify(manifest));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), typeof content === 'string' ? content : JSON.stringify(content));
}

let server: TestServer;
beforeAll(async () => {
  const good = join(dir, 'good');
  writeTemplate(good, 'two-policies', { template: 'two-policies', name: 'Two policies', description: 'Two policies sharing windowDays.', policies: ['alpha', 'beta'] }, {
    'alpha.json': policy('alpha', { '<=': [{ var: 'days' }, { var: 'params.windowDays' }] }),
    'beta.json': policy('beta', { '<': [{ var: 'days' }, { var: 'params.windowDays' }] }),
  });
  server = await startServer({ env: { OPERATOR_KEY, POLICIES_DIR: good } });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a template of two policies sharing a param', () => {
  it('lists the shared param once, read by both policies', async () => {
    const res = await server.get('/v1/templates', OPERATOR_KEY);
    expect(res.status, res.text).toBe(200);
    const [t] = res.body.templates;
    expect(t.policies.map((p: { key: string }) => p.key)).toEqual(['alpha', 'beta']);
    expect(t.params.map((p: { name: string; policies: string[] }) => [p.name, p.policies])).toEqual([['windowDays', ['alpha', 'beta']], ['alphaOnly', ['alpha']], ['betaOnly', ['beta']]]);
  });

  it('creates both policies with the one value, both deciding', async () => {
    const res = await server.post('/v1/tenants', { tenant: 'twin', name: 'Twin', template: 'two-policies', params: { windowDays: 7, betaOnly: 'y' } }, OPERATOR_KEY);
    expect(res.status, res.text).toBe(201);
    expect(res.body.policies.map((p: { key: string; version: number }) => `${p.key}@${p.version}`)).toEqual(['alpha@1', 'beta@1']);
    for (const key of ['alpha', 'beta']) {
      const d = await server.post(`/v1/policies/${key}/decide`, { input: { days: 7 }, at: new Date(Date.now() + 1000).toISOString() }, res.body.secret);
      expect(d.status, d.text).toBe(200);
      expect(d.body.decision).toMatchObject({ ok: key === 'alpha', window: 7 });
    }
    const beta = await server.get('/v1/policies/beta/versions/1', res.body.secret);
    expect(beta.body.document.params.betaOnly.value).toBe('y');
  });
});

describe('the loader refuses a broken template folder, naming the file and path', () => {
  it.each([
    ['a folder without template.json', (root: string) => mkdirSync(join(root, '_templates', 'empty'), { recursive: true }), 'template.json', '', 'needs a template.json'],
    ['a manifest that is not valid', (root: string) => writeTemplate(root, 'bad', { template: 'bad', name: '' }, {}), 'template.json', '/description', 'is required'],
    ['a template id that is not the folder name', (root: string) => writeTemplate(root, 'folder', { template: 'other', name: 'x', description: 'x', policies: ['alpha'] }, { 'alpha.json': policy('alpha', true) }), 'template.json', '/template', 'must equal the folder name'],
    ['a listed policy without its file', (root: string) => writeTemplate(root, 'nofile', { template: 'nofile', name: 'x', description: 'x', policies: ['alpha'] }, {}), 'template.json', '/policies/0', 'no alpha.json'],
    ['a document whose key is not its file name', (root: string) => writeTemplate(root, 'wrongkey', { template: 'wrongkey', name: 'x', description: 'x', policies: ['alpha'] }, { 'alpha.json': policy('beta', true) }), 'alpha.json', '/key', 'must be "alpha"'],
    ['a required param no policy declares', (root: string) => writeTemplate(root, 'noparam', { template: 'noparam', name: 'x', description: 'x', policies: ['alpha'], requiredParams: ['nope'] }, { 'alpha.json': policy('alpha', true) }), 'template.json', '/requiredParams/0', 'declares param "nope"'],
    ['a document that is not JSON', (root: string) => writeTemplate(root, 'notjson', { template: 'notjson', name: 'x', description: 'x', policies: ['alpha'] }, { 'alpha.json': '{"key": ' }), 'alpha.json', '', 'not valid JSON'],
  ])('%s', (_, make, file, path, message) => {
    const root = mkdtempSync(join(dir, 'broken-'));
    make(root);
    const { templates, problems } = loadTemplates(root);
    expect(templates).toEqual([]);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.file.endsWith(file)).toBe(true);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message).toContain(message);
  });
});
