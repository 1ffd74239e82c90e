/**
 * The per-process policy cache, so that deciding does no database query: per (tenant, policy)
 * the live activations (or "no such policy"), and per (tenant, policy, version) the compiled
 * policy with its input validator. Versions are immutable, so compiled entries are never
 * stale; activations are dropped when the change feed (change-poller.ts) says the policy
 * changed, here or in another process on the same database.
 *
 * A compiled version is a pure function of its document, so versions with the same content
 * hash (the same document: tenants on the same policy, a version re-published elsewhere)
 * share one compiled policy: it is compiled once and held once, for as long as any version
 * that uses it is cached. A version whose document is already compiled costs one small query
 * (its hash) and neither a document read nor a compile. A document that is read is held with
 * the parts it has in common with documents already held (document-parts.ts), and one whose
 * logic is already compiled under other texts or param values shares it (policy-logic.ts).
 *
 * A load that raced with an invalidation is used once but not kept (generation check), so a
 * change seen while a query was in flight can never leave a stale entry behind.
 *
 * @example
 *   const entry = await cache.policy('solum', 'returns');          // null: unknown (or foreign)
 *   const version = activeVersionAt(entry.activations, at);
 *   const compiled = await cache.compiled('solum', 'returns', version);
 */
import { compile, paramValues } from '../engine/index.ts';
import type { Activation, CompileResult, PolicyDoc, Problem, SchemaRegistry } from '../engine/index.ts';
import { listActivations } from '../store/activations.ts';
import type { Change } from '../store/change-feed.ts';
import type { Client } from '../store/client.ts';
import { getPolicy, getVersionForDeciding, getVersionHash } from '../store/policies.ts';
import { getTenantLanguage } from '../store/tenants.ts';
import { WeakTable } from '../engine/interned.ts';
import { Lru } from './lru.ts';
import { internParts } from './document-parts.ts';
import { logicKey } from './policy-logic.ts';

export interface PolicyEntry {
  tenant: string;
  key: string;
  activations: Activation[];
}

export interface PolicyCacheOptions {
  registry: SchemaRegistry;
  /** Compiled versions kept; policy entries are bounded the same way. */
  max: number;
}

export class PolicyCache {
  private readonly policies: Lru<string, PolicyEntry | null>;
  private readonly versions: Lru<string, CompileResult>;
  private readonly loading = new Map<string, Promise<unknown>>();
  /** Compiled documents by content hash, shared by every cached version with that hash. */
  private readonly byHash = new WeakTable<CompileResult>();
  /**
   * Compiled documents by logic key (policy-logic.ts): documents that differ only in their
   * texts for people or their param values share one compiled logic, and with it the engine's
   * hotness count and the JavaScript it generates once hot.
   */
  private readonly byLogic = new WeakTable<CompileResult>();
  private generation = 0;
  /** Each tenant's default explanation language (set when the tenant is seeded or created; read once). */
  private readonly languages = new Lru<string, Promise<string | null>>(1000);

  constructor(private readonly db: Client, private readonly options: PolicyCacheOptions) {
    this.policies = new Lru(options.max);
    this.versions = new Lru(options.max);
  }

  /** The policy's activations, or null when the tenant has no such policy. */
  async policy(tenant: string, key: string): Promise<PolicyEntry | null> {
    const id = policyId(tenant, key);
    const hit = this.policies.get(id);
    if (hit !== undefined) return hit;
    return this.load(`p:${id}`, this.policies, id, async () => {
      if (!(await getPolicy(this.db, tenant, key))) return null;
      const rows = await listActivations(this.db, tenant, key);
      return { tenant, key, activations: rows.map((r) => ({ version: r.version, from: r.from, until: r.until })) };
    });
  }

  /** The compiled version; a version that does not exist compiles to a problem. */
  async compiled(tenant: string, key: string, version: number): Promise<CompileResult> {
    const id = `${policyId(tenant, key)}@${version}`;
    const hit = this.versions.get(id);
    if (hit !== undefined) return hit;
    let missing = false;
    return this.load(
      `v:${id}`,
      this.versions,
      id,
      async () => {
        const hash = await getVersionHash(this.db, tenant, key, version);
        const shared = hash === null ? undefined : this.byHash.get(hash);
        if (shared) return shared;
        // Test runs compile the draft or document they test (services/policy-document.ts), never
        // a cached version: what is cached is read without its tests and fixtures.
        const document = hash === null ? null : internParts(await getVersionForDeciding(this.db, tenant, key, version));
        missing = document === null;
        if (hash === null || document === null) return { ok: false, problems: [{ path: '', message: `${tenant}/${key} has no version ${version}` }] } satisfies CompileResult;
        const logic = logicKey(document);
        const same = this.byLogic.get(logic);
        // Another document with the same logic (other texts or param values): its compiled
        // closures, tables and validators, under this version's own document, title and params.
        // Its param values are checked as compile() checks them; one that breaks its param's
        // schema is compiled, so that the problem is reported with its path.
        const problems: Problem[] = [];
        const params = same?.ok ? paramValues(document as PolicyDoc, this.options.registry, problems) : null;
        const result: CompileResult = same?.ok && params && !problems.length
          ? { ok: true, policy: { ...same.policy, key: (document as PolicyDoc).key, title: (document as PolicyDoc).title, document: document as PolicyDoc, params } }
          : compile(document, { registry: this.options.registry });
        this.byHash.set(hash, result);
        if (result.ok && !same) {
          this.byLogic.set(logic, result);
        }
        return result;
      },
      // Versions are immutable once they exist, but one asked for before it is published must
      // be looked up again: caching its absence would hide the version from this process.
      () => !missing,
    );
  }

  /** The tenant's default language for explanations (null: none set), read once per process. */
  language(tenant: string): Promise<string | null> {
    let hit = this.languages.get(tenant);
    if (!hit) {
      hit = getTenantLanguage(this.db, tenant).catch((err: unknown) => {
        this.languages.delete(tenant);
        throw err;
      });
      this.languages.set(tenant, hit);
    }
    return hit;
  }

  /** Drops what is cached about a policy (all of the tenant's when policy is null). */
  invalidate(tenant: string, policy: string | null): void {
    this.generation++;
    if (policy === null) this.policies.deleteWhere((id) => id.startsWith(`${tenant}/`));
    else this.policies.delete(policyId(tenant, policy));
    // Callers from now on must not join a query that may have read the old state.
    for (const flightKey of this.loading.keys()) if (flightKey.startsWith('p:')) this.loading.delete(flightKey);
  }

  /** Change-feed listener. */
  onChange(change: Change): void {
    if (change.kind === 'policy' || change.kind === 'activation') this.invalidate(change.tenant, change.policy);
  }

  stats(): { policies: number; versions: number; documents: number } {
    return { policies: this.policies.size, versions: this.versions.size, documents: this.byHash.size };
  }

  /** One query per key at a time; the result is kept only if nothing was invalidated meanwhile. */
  private load<V>(flightKey: string, into: Lru<string, V>, id: string, query: () => Promise<V>, keep: () => boolean = () => true): Promise<V> {
    const inFlight = this.loading.get(flightKey) as Promise<V> | undefined;
    if (inFlight) return inFlight;
    const generation = this.generation;
    const promise = query()
      .then((value) => {
        if (generation === this.generation && keep()) into.set(id, value);
        return value;
      })
      .finally(() => {
        if (this.loading.get(flightKey) === promise) this.loading.delete(flightKey);
      });
    this.loading.set(flightKey, promise);
    return promise;
  }
}

function policyId(tenant: string, key: string): string {
  return `${tenant}/${key}`;
}
