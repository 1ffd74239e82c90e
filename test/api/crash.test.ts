/**
 * A crash of `npm start` (SIGKILL, no shutdown at all) in the middle of decide load and of
 * writes (sample creates, activations, draft saves and publishes), then `npm start` again on
 * the same database file:
 *
 * - every decision that was answered 200 is in the decision log, because an answer is sent
 *   only once the transaction holding its decision has committed (on the decision log's
 *   worker thread, with synchronous = FULL);
 * - every write that was answered 2xx is there afterwards, as answered (each is one
 *   transaction, committed before the answer);
 * - what was saved before the load (a draft, a published version with its activation, a
 *   scheduled activation) is intact;
 * - the database passes SQLite's integrity check, migrates cleanly on the restart, and every
 *   version's content hash still matches its document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../server/services/api-keys.ts';
import { openDatabase } from '../../server/store/client.ts';
import { contentHash } from '../../server/store/content-hash.ts';
import { migrate } from '../../server/store/migrate.ts';
import { httpClient } from '../helpers/http.ts';
import type { HttpClient } from '../helpers/http.ts';
import { eslReturn, sample } from '../helpers/orders.ts';
import { warrantyDoc } from '../helpers/policy-docs.ts';
import { startServerProcess } from '../helpers/process.ts';
import type { ServerProcess } from '../helpers/process.ts';
import { seededDatabase } from '../helpers/database.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-crash-'));
const databaseUrl = `file:${join(dir, 'policy.db')}`;
let restarted: ServerProcess | undefined;
afterAll(async () => {
  await restarted?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

let decider: string;
let editor: string;
/** What was acknowledged to a client before or during the crash. */
const answered = { decisions: [] as string[], samples: [] as string[], activations: [] as number[], versions: [] as Array<{ version: number; contentHash: string }> };
/** Saved and settled before the load: the solum returns draft, the warranty version 1 and its activation, a scheduled returns activation. */
const before = { draftEtag: '', draftTitle: 'Solum returns (draft kept over a crash)', activation: 0, version: { version: 0, contentHash: '' } };
/** The last draft save of the warranty loop that was answered, and the title the next (unanswered) save would have written. */
let draftLoop = { title: '', next: '' };

const expectStatus = (res: { status: number; text: string }, status: number) => expect(res.status, res.text.slice(0, 300)).toBe(status);

async function prepare(api: HttpClient): Promise<void> {
  const version = await api.get('/v1/policies/returns/versions/1', editor);
  expectStatus(version, 200);
  const draft = await api.request('PUT', '/v1/policies/returns/draft', { key: editor, body: { document: { ...version.body.document, title: before.draftTitle } }, headers: { 'If-None-Match': '*' } });
  expectStatus(draft, 201);
  before.draftEtag = draft.headers.get('etag')!;

  const created = await api.post('/v1/policies', { document: warrantyDoc() }, editor);
  expectStatus(created, 201);
  const published = await api.request('POST', '/v1/policies/warranty/draft/publish', { key: editor, body: { reason: 'first warranty', activate: {} }, headers: { 'If-Match': created.headers.get('etag')! } });
  expectStatus(published, 201);
  before.version = { version: published.body.version.version, contentHash: published.body.version.contentHash };
  answered.activations.push(published.body.activation.id);

  const scheduled = await api.post('/v1/policies/returns/activations', { version: 2, from: '2031-10-11T00:00:00Z', until: '2032-02-01T00:00:00Z', reason: 'scheduled before the crash' }, editor);
  expectStatus(scheduled, 201);
  before.activation = scheduled.body.id;
}

/** Write loops that run until the process dies, recording each write that was answered 2xx. */
function writeLoops(api: HttpClient, stopped: () => boolean): Array<Promise<void>> {
  const quiet = <T>(p: Promise<T>) => p.catch(() => null);
  const samples = (async () => {
    const { $schema: _schema, ...doc } = sample('solum', 'solum-holiday-asked-feb-20') as any;
    for (let i = 0; !stopped(); i++) {
      const name = `crash-sample-${i}`;
      const res = await quiet(api.post('/v1/samples', { ...doc, name }, editor));
      if (res?.status === 201) answered.samples.push(name);
    }
  })();
  const activations = (async () => {
    for (let i = 0; !stopped(); i++) {
      const from = new Date(Date.UTC(2040 + i, 0, 1)).toISOString();
      const res = await quiet(api.post('/v1/policies/returns/activations', { version: 1 + (i % 2), from, reason: `in flight ${i}` }, editor));
      if (res?.status === 201) answered.activations.push(res.body.id);
    }
  })();
  // Save a new warranty draft (If-None-Match: *, the last publish deleted the draft), re-save it with its ETag, publish it.
  const publishes = (async () => {
    for (let i = 1; !stopped(); i++) {
      const first = await quiet(api.request('PUT', '/v1/policies/warranty/draft', { key: editor, body: { document: warrantyDoc({ title: `Warranty ${i}a` }) }, headers: { 'If-None-Match': '*' } }));
      if (first?.status !== 201) continue;
      draftLoop = { title: `Warranty ${i}a`, next: `Warranty ${i}b` };
      const second = await quiet(api.request('PUT', '/v1/policies/warranty/draft', { key: editor, body: { document: warrantyDoc({ title: `Warranty ${i}b` }) }, headers: { 'If-Match': first.headers.get('etag')! } }));
      if (second?.status !== 200) continue;
      draftLoop = { title: `Warranty ${i}b`, next: '(published)' };
      const published = await quiet(api.request('POST', '/v1/policies/warranty/draft/publish', { key: editor, body: { reason: `publish ${i}` }, headers: { 'If-Match': second.headers.get('etag')! } }));
      if (published?.status === 201) {
        answered.versions.push({ version: published.body.version.version, contentHash: published.body.version.contentHash });
        draftLoop = { title: '(published)', next: `Warranty ${i + 1}a` };
      }
    }
  })();
  return [samples, activations, publishes];
}

beforeAll(async () => {
  const db = await seededDatabase(databaseUrl);
  decider = (await createKey({ db }, { actor: 'test', tenant: 'solum', role: 'decider' })).secret;
  editor = (await createKey({ db }, { actor: 'test', tenant: 'solum', role: 'editor' })).secret;
  db.close();

  const server = await startServerProcess({ DATABASE_URL: databaseUrl });
  const api = httpClient(server.url);
  await prepare(api);

  const body = JSON.stringify({ input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' });
  const call = () =>
    fetch(`${server.url}/v1/policies/returns/decide`, { method: 'POST', headers: { Authorization: `Bearer ${decider}`, 'Content-Type': 'application/json' }, body })
      .then(async (r) => {
        if (r.status === 200) answered.decisions.push(((await r.json()) as { id: string }).id);
      })
      .catch(() => undefined);
  await call(); // compile before the load
  // 20 clients deciding in a loop and three writing, until the process is gone.
  let killed = false;
  const clients = [...Array.from({ length: 20 }, async () => {
    while (!killed) await call();
  }), ...writeLoops(api, () => killed)];
  const busy = () => answered.decisions.length >= 300 && answered.samples.length >= 3 && answered.activations.length >= 4 && answered.versions.length >= 2;
  const deadline = Date.now() + 120_000;
  while (!busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(busy(), JSON.stringify({ decisions: answered.decisions.length, samples: answered.samples.length, activations: answered.activations.length, versions: answered.versions.length })).toBe(true);
  const exit = server.stop('SIGKILL');
  killed = true;
  await exit;
  await Promise.all(clients);
  console.log(`answered before SIGKILL: ${answered.decisions.length} decisions, ${answered.samples.length} samples, ${answered.activations.length} activations, ${answered.versions.length} published versions`);
}, 180_000);

describe('SIGKILL mid-load, then npm start on the same database', () => {
  it('leaves a database that passes the integrity check and migrates again without change', async () => {
    const db = await openDatabase({ databaseUrl });
    try {
      expect((await db.execute('PRAGMA integrity_check')).rows.map((r) => String(Object.values(r)[0]))).toEqual(['ok']);
      const tables = async () => (await db.execute("SELECT name, sql FROM sqlite_master ORDER BY name")).rows.map((r) => `${r.name}: ${r.sql}`);
      const schema = await tables();
      await migrate(db);
      expect(await tables()).toEqual(schema);
    } finally {
      db.close();
    }
    restarted = await startServerProcess({ DATABASE_URL: databaseUrl });
    expectStatus(await httpClient(restarted.url).get('/healthz'), 200);
  });

  it('loses no decision that was answered', async () => {
    const db = await openDatabase({ databaseUrl });
    try {
      const found = new Set<string>();
      for (let i = 0; i < answered.decisions.length; i += 500) {
        const ids = answered.decisions.slice(i, i + 500);
        const rs = await db.execute({ sql: `SELECT id FROM decisions WHERE id IN (${ids.map(() => '?').join(',')})`, args: ids });
        for (const r of rs.rows) found.add(String(r.id));
      }
      expect(answered.decisions.filter((id) => !found.has(id))).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('keeps the draft, version and activations saved before the load', async () => {
    const api = httpClient(restarted!.url);
    const draft = await api.get('/v1/policies/returns/draft', editor);
    expectStatus(draft, 200);
    expect(draft.headers.get('etag')).toBe(before.draftEtag);
    expect(draft.body.document.title).toBe(before.draftTitle);
    const v1 = await api.get(`/v1/policies/warranty/versions/${before.version.version}`, editor);
    expectStatus(v1, 200);
    expect(v1.body.contentHash).toBe(before.version.contentHash);
    const ids = (await api.get('/v1/policies/returns/activations', editor)).body.activations.map((a: any) => a.id);
    expect(ids).toContain(before.activation);
  });

  it('keeps every write that was answered 2xx during the load', async () => {
    const api = httpClient(restarted!.url);
    for (const name of answered.samples) expectStatus(await api.get(`/v1/samples/${name}`, editor), 200);
    const activations = [
      ...(await api.get('/v1/policies/returns/activations', editor)).body.activations,
      ...(await api.get('/v1/policies/warranty/activations', editor)).body.activations,
    ].map((a: any) => a.id);
    expect(answered.activations.filter((id) => !activations.includes(id))).toEqual([]);
    const versions = (await api.get('/v1/policies/warranty/versions', editor)).body.versions;
    const listed = versions.map((v: any) => ({ version: v.version, contentHash: v.contentHash }));
    expect(listed).toEqual(expect.arrayContaining([before.version, ...answered.versions]));
    // Numbered 1..n without gaps or repeats (a publish in flight at the kill either committed or did not).
    expect(listed.map((v: any) => v.version).sort((x: number, y: number) => x - y)).toEqual(listed.map((_: unknown, i: number) => i + 1));
    // The draft is the last answered save, or the one in flight when the process died.
    const draft = await api.get('/v1/policies/warranty/draft', editor);
    const title = draft.status === 200 ? draft.body.document.title : '(published)';
    expect([draftLoop.title, draftLoop.next]).toContain(title);
  });

  it('finds every version\'s content hash still matching its document, and decides on the restarted server', async () => {
    const db = await openDatabase({ databaseUrl });
    try {
      const rows = (await db.execute('SELECT tenant, policy, version, content_hash, document FROM policy_versions')).rows;
      expect(rows.length).toBeGreaterThan(answered.versions.length);
      const mismatched = rows.filter((r) => contentHash(JSON.parse(String(r.document))) !== String(r.content_hash)).map((r) => `${r.tenant}/${r.policy}@${r.version}`);
      expect(mismatched).toEqual([]);
    } finally {
      db.close();
    }
    const res = await httpClient(restarted!.url).post('/v1/policies/returns/decide', { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' }, decider);
    expectStatus(res, 200);
    expect(await restarted!.stop('SIGTERM')).toBe(0);
    restarted = undefined;
  });
});
