/**
 * `keys create --tenant <t> --role <role> [--name <n>]`, `keys list --tenant <t>`,
 * `keys revoke <id> [--tenant <t>]`: API keys on the service's own database. With
 * `--operator` instead of a tenant and role, the same commands make, list and revoke platform
 * operator keys (po_…: they create tenants from templates and see no tenant's data); (DATABASE_URL etc.
 * from the environment, as the server reads them), migrated and seeded first if needed, so
 * this works on a fresh clone before the server ever ran. `create` prints the new key alone on
 * its last line; it is shown this once and stored only as a hash.
 */
import type { Command } from 'commander';
import { ConfigError, parseConfig } from '../config.ts';
import { ServiceError } from '../errors.ts';
import { openStore } from '../runtime.ts';
import { createKey, listKeys, revokeKey } from '../services/api-keys.ts';
import { createOperatorKey, listOperatorKeys, revokeOperatorKey } from '../services/operator-keys.ts';
import { getOperatorKey } from '../store/operator-keys.ts';
import { ROLES } from '../services/roles.ts';
import type { Role } from '../services/roles.ts';
import { findKeyTenant } from '../store/api-keys.ts';
import type { Client } from '../store/client.ts';
import { getTenant, listTenantIds } from '../store/tenants.ts';
import { EXIT } from './io.ts';

/** The audit actor of changes made from the command line. */
const CLI_ACTOR = 'cli';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke API keys (on DATABASE_URL)');

  keys
    .command('create')
    .description('create a key; prints it alone on the last line (shown once)')
    .option('--tenant <tenant>', 'tenant id, e.g. solum (required without --operator)')
    .option('--role <role>', `one of ${ROLES.join(', ')} (required without --operator)`)
    .option('--operator', 'a platform operator key instead (no tenant): it may create tenants and list templates only')
    .option('--name <name>', 'what the key is for, e.g. "checkout prod"')
    .action((opts: { tenant?: string; role?: string; name?: string; operator?: boolean }) =>
      withStore(async (db) => {
        if (opts.operator) {
          if (opts.tenant !== undefined || opts.role !== undefined) fail('--operator makes a key of no tenant: leave out --tenant and --role');
          const { key, secret } = await createOperatorKey(db, { actor: CLI_ACTOR, name: opts.name ?? null });
          process.stdout.write(`Created platform operator key ${key.id}${key.name ? ` (${key.name})` : ''}: it may create tenants (POST /v1/tenants) and list templates, nothing else.\n`);
          process.stdout.write('Store it now: it is shown only this once. Send it as "Authorization: Bearer <key>".\n');
          process.stdout.write(`${secret}\n`);
          return;
        }
        if (opts.tenant === undefined) fail("required option '--tenant <tenant>' not specified (or --operator)");
        if (opts.role === undefined) fail("required option '--role <role>' not specified (or --operator)");
        if (!ROLES.includes(opts.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(opts.role)}`);
        await requireTenant(db, opts.tenant);
        const { key, secret } = await createKey({ db }, { actor: CLI_ACTOR, tenant: opts.tenant, role: opts.role as Role, name: opts.name ?? null });
        process.stdout.write(`Created ${key.role} key ${key.id} for tenant ${key.tenant}${key.name ? ` (${key.name})` : ''}.\n`);
        process.stdout.write('Store it now: it is shown only this once. Send it as "Authorization: Bearer <key>".\n');
        process.stdout.write(`${secret}\n`);
      }),
    );

  keys
    .command('list')
    .description("list a tenant's keys (never their secrets)")
    .option('--tenant <tenant>', 'tenant id (required without --operator)')
    .option('--operator', 'list the platform operator keys instead')
    .option('--json', 'print JSON')
    .action((opts: { tenant?: string; json?: boolean; operator?: boolean }) =>
      withStore(async (db) => {
        if (opts.operator) {
          const rows = await listOperatorKeys(db);
          if (opts.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          for (const k of rows) process.stdout.write(`${k.id}  operator  po_${k.prefix}_…  ${k.name ?? ''}  created ${k.createdAt}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\n`);
          if (!rows.length) process.stdout.write('no operator keys\n');
          return;
        }
        if (opts.tenant === undefined) fail("required option '--tenant <tenant>' not specified (or --operator)");
        await requireTenant(db, opts.tenant);
        const rows = await listKeys({ db }, opts.tenant);
        if (opts.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        for (const k of rows) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`;
          process.stdout.write(`${k.id}  ${k.role.padEnd(7)}  pk_${k.prefix}_…  ${k.name ?? ''}  created ${k.createdAt}  ${state}\n`);
        }
        if (!rows.length) process.stdout.write(`no keys for tenant ${opts.tenant}\n`);
      }),
    );

  keys
    .command('revoke')
    .description('revoke a key at once (all server processes stop accepting it within a second)')
    .argument('<id>', 'key id (from keys list)')
    .option('--tenant <tenant>', 'tenant the key must belong to (a check; the id alone finds it)')
    .option('--reason <reason>', 'why (recorded in the audit log)')
    .action((id: string, opts: { tenant?: string; reason?: string }) =>
      withStore(async (db) => {
        if (!opts.tenant && (await getOperatorKey(db, id))) {
          const key = await revokeOperatorKey(db, { actor: CLI_ACTOR, id });
          process.stdout.write(`Revoked platform operator key ${key.id} at ${key.revokedAt}.\n`);
          return;
        }
        const tenant = await findKeyTenant(db, id);
        if (!tenant || (opts.tenant !== undefined && opts.tenant !== tenant)) fail(`no key ${JSON.stringify(id)}${opts.tenant ? ` in tenant ${opts.tenant}` : ''}`);
        const key = await revokeKey({ db }, { actor: CLI_ACTOR, tenant, id, reason: opts.reason ?? null });
        process.stdout.write(`Revoked ${key.role} key ${key.id} of tenant ${key.tenant} at ${key.revokedAt}.\n`);
      }),
    );
}

export async function withStore(run: (db: Client) => Promise<void>): Promise<void> {
  let db: Client | null = null;
  try {
    const config = parseConfig(process.env);
    db = (await openStore(config)).db;
    await run(db);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof CliError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof ServiceError) {
      process.stderr.write(`${err.code}: ${err.detail}\n`);
      for (const e of err.errors) process.stderr.write(`  ${e.path || '/'}: ${e.message}\n`);
    }
    else throw err;
    process.exitCode = EXIT.badInput;
  } finally {
    db?.close();
  }
}

export class CliError extends Error {}

export function fail(message: string): never {
  throw new CliError(message);
}

async function requireTenant(db: Client, tenant: string): Promise<void> {
  if (!(await getTenant(db, tenant))) fail(`unknown tenant ${JSON.stringify(tenant)}; known: ${(await listTenantIds(db)).join(', ')}`);
}
