/**
 * `publish <file> --reason <text> [--note <label>] [--activate [--from <iso>] [--until <iso>]]`:
 * uploads a policy document (a file kept in git) to a running server as its policy's draft,
 * and publishes that draft: the server compiles it and runs its embedded tests, exactly as
 * the editor's Publish does. Prints the new version; when the document does not compile or a
 * test fails, prints each problem (JSON path) or failing test and exits 2. A document identical
 * to an existing version is unchanged: nothing is published and no draft is saved (an open
 * draft stays as it is); it says which version holds that content, alone on the last line
 * (exit 0). A policy the tenant does not have yet is created. Otherwise the draft is replaced
 * by the file, whoever saved it.
 *
 * @example
 *   POLICY_KEY=pk_… npm run -s policy -- publish policies/acme/returns.json --reason "45-day window" --activate
 */
import type { Command } from 'commander';
import { contentHash } from '../store/content-hash.ts';
import { EXIT, printProblems, readJsonInput } from './io.ts';
import { RemoteError, connect, report } from './remote.ts';
import type { Remote } from './remote.ts';

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('upload a policy document as the draft of its policy on a server and publish it; prints the version, or the failing tests (exit 2)')
    .argument('<file>', 'policy document (JSON), or - for standard input')
    .requiredOption('--reason <text>', 'why (kept with the version and in the audit log)')
    .option('--note <label>', 'a short label for the version')
    .option('--activate', 'also put the version in force (from now, open-ended, unless --from/--until)')
    .option('--from <iso>', 'with --activate: start of the activation')
    .option('--until <iso>', 'with --activate: end of the activation (exclusive)')
    .option('--url <url>', 'server URL (default: POLICY_URL, else http://127.0.0.1:8787)')
    .option('--key <key>', 'API key with write and publish permissions (default: POLICY_KEY)')
    .action(async (file: string, opts: { reason: string; note?: string; activate?: boolean; from?: string; until?: string; url?: string; key?: string }) => {
      try {
        const parsed = readJsonInput(file);
        if (!parsed.ok) throw new RemoteError(parsed.problems[0]!.message);
        const document = parsed.value as { key?: unknown };
        if (!document || typeof document !== 'object' || typeof document.key !== 'string') throw new RemoteError(`${file}: a policy document needs a "key" (the policy it publishes)`);
        if ((opts.from || opts.until) && !opts.activate) throw new RemoteError('--from and --until go with --activate');
        const remote = connect(opts);
        const path = `/v1/policies/${encodeURIComponent(document.key)}`;
        // A file identical to a version is unchanged: say so and touch nothing (no draft is saved,
        // so an open draft someone is working on in the editor is not replaced for nothing).
        // (Only for a key that may publish: any other is refused below, by the server, as for a changed file.)
        const existing = await identicalVersion(remote, path, document);
        if (existing && (await mayPublish(remote))) return unchanged(document.key, existing, opts.activate === true, 'no draft saved');
        const etag = await saveDraft(remote, path, document, opts.reason);
        const activate = opts.activate ? { ...(opts.from ? { from: opts.from } : {}), ...(opts.until ? { until: opts.until } : {}) } : undefined;
        const res = await remote.request<any>('POST', `${path}/draft/publish`, {
          headers: { 'If-Match': etag },
          body: { reason: opts.reason, ...(opts.note ? { note: opts.note } : {}), ...(activate ? { activate } : {}) },
          ok: [409, 422],
        });
        if (res.status === 409 && typeof res.body?.version === 'number') {
          // Identical to a version after all (published meanwhile, or the server hashes differently): the server discards the uploaded draft.
          return unchanged(document.key, { version: res.body.version, contentHash: null }, opts.activate === true, res.body.draftDiscarded === false ? 'the draft was saved again meanwhile and is kept' : 'the uploaded draft is discarded');
        }
        if (res.status === 409) throw new RemoteError(`${document.key}: ${res.body?.detail ?? 'conflict'}`, EXIT.failed);
        if (res.status === 422) {
          // Each failing test (or compile problem) is one entry of `errors`, with its mismatches in the message.
          printProblems(`${file}: not published: ${res.body?.detail ?? 'refused'}`, res.body?.errors ?? []);
          process.exitCode = EXIT.badInput;
          return;
        }
        const v = res.body.version as { version: number; contentHash: string };
        const a = res.body.activation as { from: string | null; until: string | null } | null;
        process.stdout.write(`published ${document.key} version ${v.version} (${v.contentHash}), ${res.body.tests.passed}/${res.body.tests.total} tests passed\n`);
        process.stdout.write(a ? `active from ${a.from ?? 'the beginning'}${a.until ? ` until ${a.until}` : ''}\n` : 'not active yet: activate it in the editor, POST /v1/policies/{policy}/activations, or publish with --activate\n');
        process.stdout.write(`${v.version}\n`);
      } catch (err) {
        report(err);
      }
    });
}

/** The version whose content hash is the document's (the server's hash: canonical JSON), or null; null too for a policy the tenant does not have. */
async function identicalVersion(remote: Remote, path: string, document: unknown): Promise<{ version: number; contentHash: string } | null> {
  const res = await remote.request<{ versions?: Array<{ version: number; contentHash: string }> }>('GET', `${path}/versions`, { ok: [404] });
  if (res.status === 404) return null;
  const ours = contentHash(document);
  return res.body.versions?.find((v) => v.contentHash === ours) ?? null;
}

/** Whether the key may save drafts and publish (GET /v1/me). */
async function mayPublish(remote: Remote): Promise<boolean> {
  const me = await remote.request<{ permissions?: string[] }>('GET', '/v1/me');
  return ['write', 'publish'].every((p) => me.body.permissions?.includes(p));
}

/**
 * "unchanged": nothing published, exit 0, the version holding the file's content alone on the
 * last line (as a publish prints the new one). --activate does not activate an old version:
 * that is a rollback, made on purpose with an activation.
 */
function unchanged(key: string, same: { version: number; contentHash: string | null }, activate: boolean, draft: string): void {
  process.stdout.write(`${key}: unchanged: identical to version ${same.version}${same.contentHash ? ` (${same.contentHash})` : ''}; nothing published, ${draft}\n`);
  if (activate) process.stdout.write(`not activated: to put version ${same.version} in force, activate it in the editor or with POST /v1/policies/${key}/activations\n`);
  process.stdout.write(`${same.version}\n`);
}

/** Puts the document as the policy's draft (creating the policy if the tenant has none by that key); returns the draft's ETag. */
async function saveDraft(remote: Remote, path: string, document: { key?: unknown }, reason: string): Promise<string> {
  const policy = await remote.request('GET', path, { ok: [404] });
  if (policy.status === 404) {
    await remote.request('POST', '/v1/policies', { body: { document, reason } });
    const created = await remote.request('GET', `${path}/draft`);
    return created.headers.get('ETag') ?? '';
  }
  const current = await remote.request<{ updatedAt?: string; updatedBy?: string; document?: unknown }>('GET', `${path}/draft`, { ok: [404] });
  const precondition: Record<string, string> = current.status === 404 ? { 'If-None-Match': '*' } : { 'If-Match': current.headers.get('ETag') ?? '' };
  // Someone's work in progress is replaced by the file: say whose, so it is not lost unnoticed.
  if (current.status !== 404 && JSON.stringify(current.body.document) !== JSON.stringify(document)) {
    process.stderr.write(`note: the open draft of ${String(document.key)} (saved ${current.body.updatedAt ?? '?'} by ${current.body.updatedBy ?? '?'}) is replaced by this file\n`);
  }
  const saved = await remote.request('PUT', `${path}/draft`, { headers: precondition, body: { document } });
  return saved.headers.get('ETag') ?? '';
}
