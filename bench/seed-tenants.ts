/**
 * Seeds a database with many generated tenants for the scale benchmark, directly through the
 * store's statement builders (no API, no audit rows): each tenant `bench-0001`, `bench-0002`,
 * ... gets the seed policies of policies/ as its own (Soom's six, and Solum's returns under
 * the key `esl-returns`, since both tenants have a `returns`), with every version and
 * activation of the seed, and one decider key.
 *
 * By default the documents are the seed's own, so every tenant has the same content hashes
 * (tenants that run the policies as shipped). With `distinct`, each tenant's documents carry
 * its name in their description and in a derived value no rule reads: the same decisions, but
 * logic of its own, as when every tenant has changed a rule (nothing compiled can then be
 * shared between tenants; a change of texts or param values alone shares the compiled logic).
 * With `params`, each tenant's documents carry its name in their title and param values
 * of their own (every whole-number param from 2 up, such as a return window in days, is 1 to 5
 * more): tenants on one template that each set their own params, whose documents all differ
 * but whose logic is shared.
 *
 * @example
 *   const db = await openDatabase({ databaseUrl: 'file:/tmp/x/policy.db' });
 *   await migrate(db);
 *   const tenants = await seedTenants(db, 1000);   // [{ tenant, key }, ...]
 */
import { loadPolicyDir } from '../server/catalog/policy-files.ts';
import type { PolicySource } from '../server/catalog/policy-files.ts';
import { newId } from '../server/decisions/ids.ts';
import { generateKey, hashSecret } from '../server/services/api-keys.ts';
import { insertActivationStmt } from '../server/store/activations.ts';
import { insertKeyStmt } from '../server/store/api-keys.ts';
import type { Client } from '../server/store/client.ts';
import { contentHash } from '../server/store/content-hash.ts';
import { insertPolicyStmt, insertVersionStmt } from '../server/store/policies.ts';
import type { InStatement } from '../server/store/rows.ts';
import { insertTenantStmt } from '../server/store/tenants.ts';

export interface SeededTenant {
  tenant: string;
  /** A decider key of the tenant. */
  key: string;
}

/** The seed's policies under the keys the generated tenants use: Soom's six, and Solum's returns as `esl-returns`. */
export function benchPolicies(): Array<{ key: string; source: PolicySource; from: { tenant: string; key: string } }> {
  const { tenants } = loadPolicyDir();
  const out: Array<{ key: string; source: PolicySource; from: { tenant: string; key: string } }> = [];
  for (const t of tenants) {
    for (const p of t.policies) {
      const key = t.tenant === 'solum' && p.key === 'returns' ? 'esl-returns' : p.key;
      out.push({ key, source: p, from: { tenant: t.tenant, key: p.key } });
    }
  }
  return out;
}

export async function seedTenants(db: Client, count: number, options: { prefix?: string; perBatch?: number; distinct?: boolean; params?: boolean } = {}): Promise<SeededTenant[]> {
  const policies = benchPolicies().map(({ key, source }) => ({
    key,
    activations: source.activations,
    versions: source.versions.map((v) => {
      const document: Record<string, unknown> = { ...(v.document as Record<string, unknown>), key };
      return { version: v.version, document, hash: contentHash(document), note: v.note ?? null, title: String((document as { title?: unknown }).title ?? key) };
    }),
  }));
  const own = (tenant: string, i: number, v: (typeof policies)[number]['versions'][number]) => {
    if (options.params) {
      const params = Object.fromEntries(
        Object.entries((v.document.params ?? {}) as Record<string, { value?: unknown }>).map(([name, p]) =>
          [name, Number.isInteger(p.value) && (p.value as number) >= 2 ? { ...p, value: (p.value as number) + 1 + (i % 5) } : p]),
      );
      const document = { ...v.document, title: `${String(v.document.title ?? v.title)} (${tenant})`, params };
      return { ...v, document, hash: contentHash(document) };
    }
    if (!options.distinct) return v;
    // Its name in the description, and a derived value of its own that no rule reads: the same
    // decisions, but logic of its own (documents that differ only in texts or param values
    // share their compiled logic in the policy cache; a changed expression does not).
    const lets = Array.isArray(v.document.let) ? (v.document.let as unknown[]) : [];
    const document = { ...v.document, description: `${String(v.document.description ?? '')} (${tenant})`, let: [...lets, { name: 'benchTenant', value: tenant }] };
    return { ...v, document, hash: contentHash(document) };
  };
  const by = { createdBy: 'bench' };
  const seeded: SeededTenant[] = [];
  let batch: InStatement[] = [];
  const perBatch = options.perBatch ?? 25;
  for (let i = 1; i <= count; i++) {
    const tenant = `${options.prefix ?? 'bench'}-${String(i).padStart(4, '0')}`;
    batch.push(insertTenantStmt({ id: tenant, name: `Bench tenant ${i}`, ...by }));
    for (const p of policies) {
      batch.push(insertPolicyStmt({ tenant, key: p.key, title: p.versions[p.versions.length - 1]!.title, ...by }));
      for (const v of p.versions.map((x) => own(tenant, i, x))) {
        batch.push(insertVersionStmt({ tenant, policy: p.key, version: v.version, contentHash: v.hash, document: v.document, note: v.note, reason: 'bench seed', ...by }));
      }
      for (const a of p.activations) {
        batch.push(insertActivationStmt({ tenant, policy: p.key, version: a.version, from: a.from, until: a.until ?? null, reason: a.reason ?? null, ...by }));
      }
    }
    const { prefix, secret, key } = generateKey();
    batch.push(insertKeyStmt({ id: newId(), tenant, role: 'decider', prefix, hash: hashSecret(secret), name: 'bench decider', ...by }));
    seeded.push({ tenant, key });
    if (i % perBatch === 0 || i === count) {
      await db.batch(batch, 'write');
      batch = [];
    }
  }
  return seeded;
}
