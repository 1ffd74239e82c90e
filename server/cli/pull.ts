/**
 * `pull [<policy>] [--version <n>] [--dir <folder>]`: writes the tenant's policies from a
 * running server into files, in the policies/<tenant>/<policy>.json layout of this repository
 * (the tenant is the key's), so they can be reviewed and kept in git. Without a version, the
 * version active now; a policy with none active is skipped with a note (pass --version). Each
 * file is the stored document exactly, formatted with two-space indentation; a file that already
 * holds the same document (say, formatted by hand) is left as it is, so git diff shows only real changes.
 *
 * @example
 *   POLICY_KEY=pk_… npm run -s policy -- pull              # every policy → policies/<tenant>/<policy>.json
 *   npm run -s policy -- pull returns --version 2 --key pk_… --url http://127.0.0.1:8787
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from './io.ts';
import { RemoteError, connect, report } from './remote.ts';

export function registerPull(program: Command): void {
  program
    .command('pull')
    .description("write the tenant's active (or given) policy versions from a server into <dir>/<tenant>/<policy>.json")
    .argument('[policy]', 'one policy key (default: every policy of the tenant)')
    .option('--version <n>', 'this version instead of the active one (with a policy)')
    .option('--dir <folder>', 'the policies folder to write into', 'policies')
    .option('--url <url>', 'server URL (default: POLICY_URL, else http://127.0.0.1:8787)')
    .option('--key <key>', 'API key with read permission (default: POLICY_KEY)')
    .action(async (policy: string | undefined, opts: { version?: string; dir: string; url?: string; key?: string }) => {
      try {
        if (opts.version !== undefined && (!policy || !/^[1-9]\d*$/.test(opts.version))) {
          throw new RemoteError(policy ? `--version ${JSON.stringify(opts.version)}: a version number (1, 2, …)` : '--version needs a policy: pull <policy> --version <n>');
        }
        const remote = connect(opts);
        const me = (await remote.request<{ tenant: string }>('GET', '/v1/me')).body;
        if (!me.tenant) throw new RemoteError('this key belongs to no tenant (a platform operator key): pull with a key of the tenant');
        const keys = policy ? [policy] : (await remote.request<{ policies: Array<{ key: string }> }>('GET', '/v1/policies')).body.policies.map((p) => p.key);
        const folder = join(opts.dir, me.tenant);
        let written = 0;
        for (const key of keys) {
          const path = `/v1/policies/${encodeURIComponent(key)}`;
          const version = opts.version
            ? (await remote.request<VersionDetail>('GET', `${path}/versions/${opts.version}`)).body
            : (await remote.request<{ active: VersionDetail | null; latestVersion: number | null }>('GET', path)).body.active;
          if (!version) {
            process.stderr.write(`${key}: no version is active now; skipped (pull ${key} --version <n> to write one)\n`);
            continue;
          }
          mkdirSync(folder, { recursive: true });
          const file = join(folder, `${key}.json`);
          const where = `${relative(process.cwd(), file) || file}: ${me.tenant}/${key} version ${version.version} (${version.contentHash})`;
          written++;
          if (holdsDocument(file, version.document)) {
            // The same document, formatted by hand: rewriting it would show only a reformatting in git diff.
            process.stdout.write(`unchanged ${where}\n`);
            continue;
          }
          writeFileSync(file, `${JSON.stringify(version.document, null, 2)}\n`);
          process.stdout.write(`wrote ${where}\n`);
        }
        if (!written) process.exitCode = EXIT.failed;
      } catch (err) {
        report(err);
      }
    });
}

/** Whether the file exists and holds exactly this document (the same JSON, key order included), however it is formatted. */
function holdsDocument(file: string, document: unknown): boolean {
  if (!existsSync(file)) return false;
  try {
    return JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) === JSON.stringify(document);
  } catch {
    return false;
  }
}

interface VersionDetail {
  version: number;
  contentHash: string;
  document: unknown;
}
