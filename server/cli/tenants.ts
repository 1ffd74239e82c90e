/**
 * `tenants create <id> --template <t> [--name <n>] [--language <tag>] [--param k=v ...] [--params <file>]`: a new
 * tenant from a template of policies/_templates/, on the service's own database (DATABASE_URL,
 * migrated and seeded first if needed), exactly as POST /v1/tenants makes it: version 1 of each
 * template policy with the params filled in, active from now (or --active-from), the samples,
 * and an admin key, printed alone on the last line (shown once). `tenants templates` lists the
 * templates and their params. The command line is the operator's own: it acts as actor "cli".
 *
 * @example
 *   npm run -s policy -- tenants create acme --template returns-standard --name "Acme" \
 *     --param returnWindowDays=14 --param returnAddress="Acme returns, 9 Dock Road"
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { parseConfig } from '../config.ts';
import { LANGUAGE_TAG, createTenantFromTemplate, templatesOf } from '../services/tenants.ts';
import { fail, withStore } from './keys.ts';

/** The audit actor of tenants made from the command line. */
const CLI_OPERATOR = { tenant: '', role: 'operator', keyId: 'cli' } as const;

/** k=v: v is JSON when it parses as JSON (14, true, ["a"], {"x":1}, null), otherwise the text itself. */
export function parseParam(arg: string, into: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = arg.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError(`${JSON.stringify(arg)}: expected name=value, e.g. returnWindowDays=30`);
  const name = arg.slice(0, eq);
  const text = arg.slice(eq + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: the text is the value (returnAddress=1 Main Street)
  }
  return { ...into, [name]: value };
}

export function registerTenants(program: Command): void {
  const tenants = program.command('tenants').description('platform operators: create tenants from templates (on DATABASE_URL)');

  tenants
    .command('create')
    .description('create a tenant from a template; prints its new admin key alone on the last line (shown once)')
    .argument('<tenant>', 'the new tenant id: lower-case letters, digits and dashes, e.g. acme')
    .requiredOption('--template <template>', 'template id (see: tenants templates), e.g. returns-standard')
    .option('--name <name>', 'display name (default: the id)')
    .option('--description <text>', 'who the tenant is')
    .option('--language <tag>', 'the tenant\'s default language for explanations (a BCP 47 tag such as en or ko; default: none, English)')
    .option('--param <name=value>', 'a param value (JSON, or text); repeatable', parseParam, {})
    .option('--params <file>', 'a JSON object of param values (merged under --param)')
    .option('--active-from <iso>', 'when version 1 starts deciding (default now; "beginning" for from the beginning)')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .action((tenant: string, opts: { template: string; name?: string; description?: string; language?: string; param: Record<string, unknown>; params?: string; activeFrom?: string; reason?: string }) =>
      withStore(async (db) => {
        if (!/^[a-z][a-z0-9-]{0,62}$/.test(tenant)) fail(`tenant id ${JSON.stringify(tenant)}: lower-case letters, digits and dashes, starting with a letter (at most 63)`);
        if (opts.language !== undefined && !LANGUAGE_TAG.test(opts.language)) fail(`--language ${JSON.stringify(opts.language)}: a BCP 47 language tag such as en or ko`);
        let fromFile: Record<string, unknown> = {};
        if (opts.params) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(readFileSync(opts.params, 'utf8'));
          } catch (err) {
            fail(`--params ${opts.params}: ${(err as Error).message}`);
          }
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) fail(`--params ${opts.params}: must hold a JSON object of param values`);
          fromFile = parsed as Record<string, unknown>;
        }
        let activeFrom: string | null | undefined;
        if (opts.activeFrom === 'beginning') activeFrom = null;
        else if (opts.activeFrom !== undefined) {
          if (Number.isNaN(Date.parse(opts.activeFrom)) || !/T.*(Z|[+-]\d\d:\d\d)$/.test(opts.activeFrom)) fail(`--active-from ${JSON.stringify(opts.activeFrom)}: an ISO-8601 date-time with a time zone, e.g. 2025-01-01T00:00:00Z, or "beginning"`);
          activeFrom = opts.activeFrom;
        }
        const created = await createTenantFromTemplate(
          { db, policiesDir: parseConfig(process.env).policiesDir },
          {
            actor: CLI_OPERATOR, tenant, name: opts.name ?? tenant, template: opts.template, params: { ...fromFile, ...opts.param },
            ...(opts.description !== undefined ? { description: opts.description } : {}),
            ...(opts.language !== undefined ? { language: opts.language } : {}),
            ...(activeFrom !== undefined ? { activeFrom } : {}),
            ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
          },
        );
        for (const p of created.policies) process.stdout.write(`Created tenant ${created.tenant.id} (${created.tenant.name}) from template ${created.tenant.template}: ${p.key} version 1, active from ${p.activeFrom ?? 'the beginning'}.\n`);
        if (created.tenant.language) process.stdout.write(`Explanations default to language ${created.tenant.language}.\n`);
        process.stdout.write(`${created.samples} sample orders. Params: ${JSON.stringify(created.params)}\n`);
        process.stdout.write(`Admin key ${created.key.id} of tenant ${created.tenant.id}: store it now, it is shown only this once.\n`);
        process.stdout.write(`${created.secret}\n`);
      }),
    );

  tenants
    .command('templates')
    .description('list the templates a tenant can be created from, with their params')
    .option('--json', 'print JSON (as GET /v1/templates)')
    .action((opts: { json?: boolean }) => {
      const templates = templatesOf(parseConfig(process.env).policiesDir);
      if (opts.json) return void process.stdout.write(`${JSON.stringify({ templates }, null, 2)}\n`);
      for (const t of templates) {
        process.stdout.write(`${t.template}: ${t.name} (policies: ${t.policies.map((p) => p.key).join(', ')}; ${t.samples.length} samples)\n`);
        for (const p of t.params) process.stdout.write(`  ${p.name}${p.unit ? ` (${p.unit})` : ''}: ${p.required ? `REQUIRED, no default (e.g. ${JSON.stringify(p.example)})` : `default ${JSON.stringify(p.default)}`}. ${p.description}\n`);
      }
    });
}
