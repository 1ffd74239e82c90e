/**
 * `policy pull` and `policy publish` (policy-as-code in git) as a user runs them, against a
 * real server on 127.0.0.1: pull writes the active (or a given) version into
 * <dir>/<tenant>/<policy>.json exactly as stored; publish uploads an edited file as the draft
 * and publishes it, printing the version, or the failing tests with exit 2; an unchanged file
 * publishes nothing; a new key creates the policy; and the errors a person meets (no server,
 * a refused key, no key, a broken file) are said plainly.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorKey } from '../../server/services/operator-keys.ts';
import { runCli } from '../helpers/cli.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-git-'));
let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer();
  env = { POLICY_URL: server.url, POLICY_KEY: await server.key('solum', 'editor') };
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1)!;

describe('policy pull', () => {
  it('writes every policy of the key\'s tenant, the version active now, exactly as stored', async () => {
    const r = await runCli(['pull', '--dir', dir], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*solum[/\\]returns\.json: solum\/returns version 1 \(sha256:/);
    const active = await server.get('/v1/policies/returns', env.POLICY_KEY);
    expect(JSON.parse(readFileSync(join(dir, 'solum', 'returns.json'), 'utf8'))).toEqual(active.body.active.document);
  });

  it('leaves a file that already holds the pulled document as it is, however it is formatted', async () => {
    const folder = join(dir, 'hand', 'solum');
    mkdirSync(folder, { recursive: true });
    const seedText = readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8');
    writeFileSync(join(folder, 'returns.json'), seedText);
    const r = await runCli(['pull', '--dir', join(dir, 'hand')], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^unchanged .*solum[/\\]returns\.json: solum\/returns version 1 \(sha256:/m);
    expect(readFileSync(join(folder, 'returns.json'), 'utf8')).toBe(seedText);
    // A file that differs is rewritten with the stored document.
    writeFileSync(join(folder, 'returns.json'), JSON.stringify({ ...JSON.parse(seedText), title: 'edited' }));
    const again = await runCli(['pull', '--dir', join(dir, 'hand')], undefined, env);
    expect(again.stdout).toMatch(/^wrote .*solum[/\\]returns\.json: solum\/returns version 1/m);
    expect(JSON.parse(readFileSync(join(folder, 'returns.json'), 'utf8'))).toEqual(JSON.parse(seedText));
  });

  it('writes a given version of one policy', async () => {
    const r = await runCli(['pull', 'returns', '--version', '2', '--dir', join(dir, 'v2')], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'v2', 'solum', 'returns.json'), 'utf8'));
    expect(doc.params.holidayExtension.value).toEqual({ purchasedFrom: '2023-10-11', purchasedThrough: '2023-12-25', returnUntil: '2024-01-31' });
  });

  it('says what is wrong: an unknown policy or version, no key, a refused key, no server', async () => {
    const unknown = await runCli(['pull', 'nope', '--dir', dir], undefined, env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('GET /v1/policies/nope: 404');
    expect((await runCli(['pull', 'returns', '--version', 'two', '--dir', dir], undefined, env)).stderr).toContain('--version "two"');
    const noKey = await runCli(['pull', '--dir', dir], undefined, { POLICY_URL: server.url, POLICY_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no API key: pass --key <key> or set POLICY_KEY');
    const refused = await runCli(['pull', '--dir', dir, '--key', `pk_000000000000_${'A'.repeat(43)}`], undefined, env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refused the API key');
    const operator = (await createOperatorKey(server.runtime.db, { actor: 'test' })).secret;
    const noTenant = await runCli(['pull', '--dir', dir, '--key', operator], undefined, env);
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toContain('this key belongs to no tenant');
    const down = await runCli(['pull', '--dir', dir, '--url', 'http://127.0.0.1:9'], undefined, env);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach the server at http://127.0.0.1:9');
  });
});

describe('policy publish', () => {
  const file = () => join(dir, 'solum', 'returns.json');
  const edit = (change: (doc: any) => void, to = file()) => {
    const doc = JSON.parse(readFileSync(file(), 'utf8'));
    change(doc);
    writeFileSync(to, `${JSON.stringify(doc, null, 2)}\n`);
    return to;
  };

  it('refuses a document whose tests fail: exit 2, each failing test named, nothing published', async () => {
    const broken = edit((doc) => (doc.params.returnWindowDays.value = 45), join(dir, 'broken.json'));
    const r = await runCli(['publish', broken, '--reason', 'try 45 days'], undefined, env);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('not published');
    expect(r.stderr).toMatch(/\/tests\/\d+: test "day 30 at 23:59:59 UTC is still within the window" failed: \/returnBy expected "2024-04-05", got "2024-04-20"/);
    const versions = await server.get('/v1/policies/returns/versions', env.POLICY_KEY);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('publishes an edited file as the next version and prints it; --activate puts it in force', async () => {
    // Someone's open draft (made in the editor, say; the refused publish above left one) is replaced, and the CLI says whose.
    const active = (await server.get('/v1/policies/returns', env.POLICY_KEY)).body.active.document;
    const draft = await server.get('/v1/policies/returns/draft', env.POLICY_KEY);
    expect(draft.status).toBe(200);
    const other = await server.request('PUT', '/v1/policies/returns/draft', { key: env.POLICY_KEY, body: { document: { ...active, description: 'work in progress' } }, headers: { 'If-Match': draft.headers.get('etag')! } });
    expect(other.status, other.text).toBe(200);
    edit((doc) => (doc.title = 'Solum returns and refunds (from git)'));
    const r = await runCli(['publish', file(), '--reason', 'title from git', '--note', 'git title', '--activate'], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/published returns version 3 \(sha256:[0-9a-f]{64}\), \d+\/\d+ tests passed/);
    expect(lastLine(r.stdout)).toBe('3');
    expect(r.stderr).toMatch(/note: the open draft of returns \(saved \S+ by \S+\) is replaced by this file/);
    const v3 = await server.get('/v1/policies/returns/versions/3', env.POLICY_KEY);
    expect(v3.body).toMatchObject({ reason: 'title from git', note: 'git title' });
    expect(v3.body.document.title).toBe('Solum returns and refunds (from git)');
    expect((await server.get('/v1/policies/returns', env.POLICY_KEY)).body.active.version).toBe(3);
  });

  it('publishes nothing for a file identical to a version, says which, and leaves no draft behind', async () => {
    const r = await runCli(['publish', file(), '--reason', 'again'], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('returns: unchanged: identical to version 3 (sha256:');
    expect(r.stdout).toContain('nothing published, no draft saved');
    expect(lastLine(r.stdout)).toBe('3');
    expect((await server.get('/v1/policies/returns/versions', env.POLICY_KEY)).body.versions).toHaveLength(3);
    expect((await server.get('/v1/policies/returns/draft', env.POLICY_KEY)).status).toBe(404);
  });

  it('leaves someone\'s open draft alone for a file identical to a version; --activate activates nothing', async () => {
    const active = (await server.get('/v1/policies/returns', env.POLICY_KEY)).body.active.document;
    const wip = await server.request('PUT', '/v1/policies/returns/draft', { key: env.POLICY_KEY, body: { document: { ...active, description: 'work in progress' } }, headers: { 'If-None-Match': '*' } });
    expect(wip.status, wip.text).toBe(201);
    const activations = (await server.get('/v1/policies/returns/activations', env.POLICY_KEY)).body;
    const r = await runCli(['publish', file(), '--reason', 'again', '--activate'], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('is replaced by this file');
    expect(r.stdout).toContain('unchanged: identical to version 3');
    expect(r.stdout).toContain('not activated: to put version 3 in force, activate it');
    const draft = await server.get('/v1/policies/returns/draft', env.POLICY_KEY);
    expect(draft.headers.get('etag')).toBe(wip.headers.get('etag'));
    expect(draft.body.document.description).toBe('work in progress');
    expect((await server.get('/v1/policies/returns/activations', env.POLICY_KEY)).body).toEqual(activations);
    expect((await server.request('DELETE', '/v1/policies/returns/draft', { key: env.POLICY_KEY, headers: { 'If-Match': draft.headers.get('etag')! } })).status).toBe(204);
  });

  it('creates a policy the tenant does not have yet, from standard input', async () => {
    const doc = JSON.parse(readFileSync(file(), 'utf8'));
    doc.key = 'returns-eu';
    const r = await runCli(['publish', '-', '--reason', 'EU returns'], JSON.stringify(doc), env);
    expect(r.code, r.stderr).toBe(0);
    expect(lastLine(r.stdout)).toBe('1');
    expect(r.stdout).toContain('not active yet');
    expect((await server.get('/v1/policies/returns-eu/versions/1', env.POLICY_KEY)).status).toBe(200);
  });

  it('says what is wrong with the file or the key', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"key": "returns",');
    const bad = await runCli(['publish', join(dir, 'bad.json'), '--reason', 'x'], undefined, env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not valid JSON');
    writeFileSync(join(dir, 'nokey.json'), '{"title": "no key"}');
    expect((await runCli(['publish', join(dir, 'nokey.json'), '--reason', 'x'], undefined, env)).stderr).toContain('needs a "key"');
    const missing = await runCli(['publish', join(dir, 'absent.json'), '--reason', 'x'], undefined, env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('absent.json');
    const noReason = await runCli(['publish', file()], undefined, env);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');
    const viewer = await runCli(['publish', file(), '--reason', 'x', '--key', await server.key('solum', 'viewer')], undefined, env);
    expect(viewer.code).toBe(2);
    expect(viewer.stderr).toMatch(/403 a viewer key may not/);
  });
});
