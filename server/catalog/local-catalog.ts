/**
 * Decides straight from policies/ without a server or database (the CLI's `decide` and
 * `test`): the version active at `at` by the seed activations (or at the order's placedAt when
 * that version pins to it), compiled once and cached.
 */
import { chooseVersion, compile, evaluate, explain, normalizeInstant, pinToOf } from '../engine/index.ts';
import type { CompileResult, EvaluationError, Problem } from '../engine/index.ts';
import { buildAnswer } from '../decisions/answer.ts';
import type { DecisionAnswer } from '../decisions/answer.ts';
import { loadPolicyDir, policiesDir } from './policy-files.ts';
import type { FileProblem, PolicySource, TenantSource } from './policy-files.ts';
import { schemaRegistry } from './schema-files.ts';

export type DecideOutcome =
  | { ok: true; answer: DecisionAnswer }
  | { ok: false; kind: 'not_found' | 'no_active_version' | 'invalid_policy' | 'invalid_input' | 'runtime'; message: string; problems: Problem[] };

export class LocalCatalog {
  private readonly compiled = new Map<string, CompileResult>();

  constructor(readonly tenants: TenantSource[], readonly loadProblems: FileProblem[] = []) {}

  static load(dir = policiesDir): LocalCatalog {
    const { tenants, problems } = loadPolicyDir(dir);
    return new LocalCatalog(tenants, problems);
  }

  policy(tenant: string, key: string): PolicySource | undefined {
    return this.tenants.find((t) => t.tenant === tenant)?.policies.find((p) => p.key === key);
  }

  /** Every policy, as "tenant/key" references. */
  refs(): string[] {
    return this.tenants.flatMap((t) => t.policies.map((p) => `${t.tenant}/${p.key}`));
  }

  compileVersion(source: PolicySource, version: number): CompileResult {
    const cacheKey = `${source.tenant}/${source.key}@${version}`;
    let result = this.compiled.get(cacheKey);
    if (!result) {
      const v = source.versions[version - 1];
      result = v
        ? compile(v.document, { registry: schemaRegistry(), sourceText: v.sourceText })
        : { ok: false, problems: [{ path: '', message: `no version ${version}` }] };
      this.compiled.set(cacheKey, result);
    }
    return result;
  }

  decide(tenant: string, key: string, input: unknown, at: string, options: { trace?: boolean; explain?: boolean; language?: string } = {}): DecideOutcome {
    const source = this.policy(tenant, key);
    if (!source) return fail('not_found', `no policy "${key}" for tenant "${tenant}"`);
    const instant = normalizeInstant(at);
    if (!instant) return fail('invalid_input', 'invalid "at"', [{ path: '', message: `must be an ISO-8601 date-time, got ${JSON.stringify(at)}` }]);
    // The version active at `at` governs; its pinTo may hand the decision to the version active
    // when the order was placed (engine/effective-date.ts). A version that does not compile
    // says nothing about pinning: it is reported below when it would decide.
    const choice = chooseVersion(source.activations, instant, input, (v) => {
      const c = this.compileVersion(source, v);
      return c.ok ? pinToOf(c.policy) : 'decision';
    });
    if (!choice.ok) {
      if (choice.kind === 'invalid_input') return fail('invalid_input', `${tenant}/${key} decides with the version active when the order was placed: the input needs order.placedAt`, [choice.problem]);
      return fail('no_active_version', `no version of ${tenant}/${key} is active at ${choice.asOf}${choice.asOf === instant ? '' : ' (when the order was placed)'}`);
    }
    const { version, versionAsOf, pinTo } = choice;
    const compiled = this.compileVersion(source, version);
    if (!compiled.ok) return fail('invalid_policy', `version ${version} of ${tenant}/${key} does not compile`, compiled.problems);
    const result = evaluate(compiled.policy, input, instant, { trace: options.trace === true || options.explain === true });
    if (!result.ok) return fromError(result.error);
    // As the API: the explanation from the trace, in the asked language, else the customer's, else the tenant's (tenant.json "language").
    const explanation = options.explain ? explain(compiled.policy, input, result.trace!, result.decision, { language: options.language ?? null, tenantLanguage: this.tenants.find((t) => t.tenant === tenant)?.language ?? null }) : undefined;
    return {
      ok: true,
      answer: buildAnswer({ tenant, policy: key, version, at: instant, versionAsOf, pinTo, decision: result.decision, ...(result.trace && options.trace ? { trace: result.trace } : {}), ...(explanation ? { explanation } : {}) }),
    };
  }
}

function fail(kind: Exclude<DecideOutcome, { ok: true }>['kind'], message: string, problems: Problem[] = []): DecideOutcome {
  return { ok: false, kind, message, problems };
}

function fromError(error: EvaluationError): DecideOutcome {
  if (error.kind === 'input') return fail('invalid_input', 'the input does not match the policy\'s input schema', error.problems);
  return fail('runtime', error.message, [{ path: error.path, message: error.message }]);
}
