/**
 * First-start seeding: an empty database gets the tenants, policies, versions (with their
 * content hashes), activations (Solum's holiday window included) and samples of policies/,
 * read by the same catalog code the CLI decides from, so the API and the CLI agree.
 *
 * The whole seed is one write batch: a crash leaves nothing half-seeded, and when two processes
 * start on the same empty database at once, the loser's batch fails on the tenants' primary
 * key, rolls back, and it finds the database seeded. Audit rows name the actor "seed".
 *
 * @example
 *   const report = await seedIfEmpty(db, 'policies/');   // { seeded: true, tenants: 2, policies: 7, ... }
 */
import { relative } from 'node:path';
import { loadPolicyDir, policiesDir } from '../catalog/policy-files.ts';
import type { FileProblem } from '../catalog/policy-files.ts';
import { insertActivationStmt } from './activations.ts';
import { auditStmt } from './audit.ts';
import { changeStmt } from './change-feed.ts';
import type { Client } from './client.ts';
import { contentHash } from './content-hash.ts';
import { insertPolicyStmt, insertVersionStmt } from './policies.ts';
import { iso, num } from './rows.ts';
import type { InStatement } from './rows.ts';
import { insertSampleStmt } from './samples.ts';
import { insertTenantStmt, setTenantLanguageStmt } from './tenants.ts';

export const SEED_ACTOR = 'seed';

export interface SeedReport {
  seeded: boolean;
  tenants: number;
  policies: number;
  versions: number;
  activations: number;
  samples: number;
  /** Files of policies/ that could not be read; their policies or samples were left out. */
  problems: FileProblem[];
}

export async function isEmpty(db: Client): Promise<boolean> {
  const rs = await db.execute('SELECT COUNT(*) AS n FROM tenants');
  return num(rs.rows[0]!, 'n') === 0;
}

/** Seeds from `dir` when the database has no tenant yet; otherwise does nothing. */
export async function seedIfEmpty(db: Client, dir = policiesDir): Promise<SeedReport> {
  const none: SeedReport = { seeded: false, tenants: 0, policies: 0, versions: 0, activations: 0, samples: 0, problems: [] };
  if (!(await isEmpty(db))) return none;
  const { statements, report } = seedStatements(dir);
  try {
    await db.batch(statements, 'write');
  } catch (err) {
    // Lost the race against another process seeding the same database: that is success.
    if (!(await isEmpty(db))) return none;
    throw err;
  }
  return report;
}

/** Every statement of the seed, in order, and what it will insert. */
export function seedStatements(dir = policiesDir): { statements: InStatement[]; report: SeedReport } {
  const { tenants, problems } = loadPolicyDir(dir);
  const at = iso();
  const by = { createdBy: SEED_ACTOR, at };
  const audit = (tenant: string, action: string, target: string, reason: string, detail?: unknown) =>
    auditStmt({ tenant, actor: SEED_ACTOR, action, target, reason, detail, at });
  const report: SeedReport = { seeded: true, tenants: 0, policies: 0, versions: 0, activations: 0, samples: 0, problems };
  const statements: InStatement[] = [];

  for (const t of tenants) {
    statements.push(insertTenantStmt({ id: t.tenant, name: t.name, ...by }), audit(t.tenant, 'tenant.create', t.tenant, 'seeded from policies/'));
    if (t.language) statements.push(setTenantLanguageStmt(t.tenant, t.language));
    report.tenants++;
    for (const p of t.policies) {
      // A policy with an unreadable version file is left out whole: its numbering would be wrong.
      if (p.versions.some((v) => v.document === null)) continue;
      const latest = p.versions[p.versions.length - 1]!.document as { title?: unknown };
      const title = typeof latest.title === 'string' ? latest.title : p.key;
      statements.push(insertPolicyStmt({ tenant: t.tenant, key: p.key, title, ...by }), audit(t.tenant, 'policy.create', p.key, 'seeded from policies/'));
      for (const v of p.versions) {
        const hash = contentHash(v.document);
        const reason = `seeded from ${relative(process.cwd(), `${dir}/${t.tenant}/${v.file}`) || v.file}`;
        statements.push(
          insertVersionStmt({ tenant: t.tenant, policy: p.key, version: v.version, contentHash: hash, document: v.document, note: v.note ?? null, reason, ...by }),
          audit(t.tenant, 'version.publish', `${p.key}@${v.version}`, reason, { contentHash: hash, file: v.file }),
        );
        report.versions++;
      }
      for (const [i, a] of p.activations.entries()) {
        // One bad activation must not fail the whole seed (and so the start): leave it out, say why.
        const bad = activationProblem(a, p.versions.length);
        if (bad) {
          problems.push({ file: `${t.tenant}/tenant.json`, path: `/policies/${p.key}/activations/${i}`, message: bad });
          continue;
        }
        statements.push(
          insertActivationStmt({ tenant: t.tenant, policy: p.key, version: a.version, from: a.from, until: a.until ?? null, reason: a.reason ?? null, ...by }),
          audit(t.tenant, 'activation.create', `${p.key}@${a.version}`, a.reason ?? 'seeded from tenant.json', { from: a.from, until: a.until ?? null }),
        );
        report.activations++;
      }
      statements.push(changeStmt(t.tenant, 'policy', p.key));
      report.policies++;
    }
    for (const s of t.samples) {
      const doc = s.sample as { description?: unknown; at?: unknown } | null;
      if (!doc || typeof doc.at !== 'string' || Number.isNaN(Date.parse(doc.at))) continue;
      const description = typeof doc.description === 'string' ? doc.description : s.name;
      statements.push(
        insertSampleStmt({ tenant: t.tenant, name: s.name, description, at: doc.at, document: doc, createdBy: SEED_ACTOR, createdAt: at }),
        audit(t.tenant, 'sample.create', s.name, 'seeded from policies/'),
      );
      report.samples++;
    }
  }
  return { statements, report };
}

function activationProblem(a: { version: number; from: string | null; until?: string | null }, versions: number): string | null {
  if (!Number.isInteger(a.version) || a.version < 1 || a.version > versions) return `version ${a.version} does not exist (the policy has ${versions})`;
  const from = a.from === null ? null : Date.parse(a.from);
  const until = a.until == null ? null : Date.parse(a.until);
  if (Number.isNaN(from) || Number.isNaN(until)) return 'from/until must be ISO-8601 date-times';
  if (from !== null && until !== null && until <= from) return '"until" must be after "from"';
  return null;
}
