/**
 * Renders docs/policies.md from policies/: for each seed policy its versions and activations,
 * its params (value, unit, what it means, the merchant's sentence or why it is a default),
 * its decision tables, its rules in order and the warnings of the static analysis. Generated, so
 * it never drifts from the documents.
 */
import { loadPolicyDir } from '../server/catalog/policy-files.ts';
import type { PolicyDoc } from '../server/engine/index.ts';
import { analyzePolicy } from '../server/engine/analysis/index.ts';
import { schemaRegistry } from '../server/catalog/schema-files.ts';

const cell = (v: unknown) => String(v ?? '').replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const json = (v: unknown) => `\`${JSON.stringify(v)}\``;

/** The static analysis of each version (README: Static analysis), once when the versions agree. */
function analysis(versions: Array<{ version: number; document: unknown }>): string[] {
  const registry = schemaRegistry();
  const found = versions.map((v) => ({ version: v.version, warnings: analyzePolicy(v.document, { schema: (id) => registry.schema(id) }) }));
  const same = found.every((f) => JSON.stringify(f.warnings) === JSON.stringify(found[0]!.warnings));
  const out: string[] = [];
  for (const f of same ? [found[0]!] : found) {
    const where = same ? '' : ` of version ${f.version}`;
    if (!f.warnings.length) out.push(`Static analysis${where}: no warnings.`, '');
    else out.push(`Static analysis${where}:`, '', ...f.warnings.map((w) => `- \`${w.path}\` (${w.code}): ${cell(w.message)}`), '');
  }
  return out;
}

export function renderPoliciesDoc(dir?: string): string {
  const { tenants } = loadPolicyDir(dir);
  const out = [
    '# Seed policies',
    '',
    'Generated from `policies/` by `npm run docs:policies`; do not edit by hand. Each rule, param and',
    'test quotes the sentence of the merchant\'s text it comes from; where the text is blank or',
    'contradicts itself, the param says so and gives its documented default. Each policy ends with the',
    'warnings of its static analysis (README, "Static analysis").',
    '',
  ];
  for (const t of [...tenants].sort((a, b) => a.tenant.localeCompare(b.tenant))) {
    out.push(`## ${t.name} (\`${t.tenant}\`)`, '');
    for (const p of [...t.policies].sort((a, b) => a.key.localeCompare(b.key))) {
      const doc = p.versions[0]!.document as PolicyDoc;
      out.push(`### ${t.tenant}/${p.key}: ${doc.title}`, '', cell(doc.description), '');
      // Effective dates (README, "Effective dates"): which instant chooses the deciding version.
      const pins = new Set(p.versions.map((v) => (v.document as PolicyDoc).pinTo ?? 'decision'));
      out.push(
        pins.size > 1
          ? `Which version decides: each version says (pinTo ${[...pins].map((x) => `"${x}"`).join(', ')}); the one active at the decision's \`at\` governs.`
          : pins.has('order.placedAt')
            ? 'Which version decides: the one active when the order was placed (`pinTo: "order.placedAt"`).'
            : 'Which version decides: the one active at the decision\'s `at` (`pinTo` "decision", the default).',
        '',
      );
      if (p.versions.length > 1 || p.activations.length > 1) {
        out.push('Versions and activations:', '');
        for (const v of p.versions) out.push(`- version ${v.version}: \`${v.file}\`${v.note ? `, ${v.note}` : ''}`);
        for (const a of p.activations) out.push(`- version ${a.version} decides from ${a.from ?? 'the beginning'}${a.until ? ` until ${a.until} (exclusive)` : ''}${a.reason ? `: ${a.reason}` : ''}`);
        out.push('');
      }
      const params = Object.entries(doc.params ?? {});
      if (params.length) {
        out.push('| param | value | meaning | source |', '| --- | --- | --- | --- |');
        for (const [name, param] of params) out.push(`| \`${name}\` | ${json(param!.value)}${param!.unit ? ` ${param!.unit}` : ''} | ${cell(param!.description)} | ${cell(param!.source)} |`);
        out.push('');
      }
      for (const [name, table] of Object.entries(doc.tables ?? {})) {
        const ins = table!.inputs.map((c) => c.name);
        const outs = table!.outputs.map((c) => c.name);
        out.push(`Table \`${name}\`: ${cell(table!.description)}`, '', `| ${[...ins, ...outs].join(' | ')} |`, `| ${[...ins, ...outs].map(() => '---').join(' | ')} |`);
        for (const row of table!.rows) out.push(`| ${[...ins.map((i) => (row.when && i in row.when ? json(row.when[i]) : '-')), ...outs.map((o) => json(row.then[o]))].join(' | ')} |`);
        out.push('');
      }
      const rules = (list: Array<{ id: string; description?: string }>, otherwise: { id?: string; description?: string }) =>
        [...list, { id: otherwise.id ?? 'otherwise', description: otherwise.description }].map((r, i) => `${i + 1}. \`${r.id}\`: ${cell(r.description)}`);
      if (doc.each) out.push('Per item, first match:', '', ...rules(doc.each.rules, doc.each.otherwise), '');
      out.push(doc.each ? 'Then for the whole request, first match:' : 'Rules, first match:', '', ...rules(doc.rules, doc.otherwise), '');
      out.push(`${doc.tests?.length ?? 0} embedded tests.`, '');
      out.push(...analysis(p.versions));
    }
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('../docs/policies.md', import.meta.url), renderPoliciesDoc());
  console.log('wrote docs/policies.md');
}
