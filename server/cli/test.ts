/**
 * `test [<tenant>/<policy>]`: run the embedded tests of every version of the policies in
 * policies/, and of every tenant template's policies (policies/_templates/<template>/<policy>,
 * named `_templates/<template>/<policy>`; `test _templates` runs only those).
 */
import type { Command } from 'commander';
import { runPolicyTests } from '../engine/index.ts';
import { LocalCatalog } from '../catalog/local-catalog.ts';
import { schemaRegistry } from '../catalog/schema-files.ts';
import { TEMPLATES_FOLDER, loadTemplates } from '../catalog/template-files.ts';
import { compile } from '../engine/index.ts';
import type { CompileResult } from '../engine/index.ts';
import { EXIT, printProblems } from './io.ts';

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('run the embedded tests of policies/ (all, or one tenant/policy); exit 1 on any failure')
    .argument('[ref]', 'tenant/policy, or a tenant')
    .option('-v, --verbose', 'list passing tests too')
    .action((ref: string | undefined, opts: { verbose?: boolean }) => {
      const catalog = LocalCatalog.load();
      const templates = loadTemplates();
      const loadProblems = [...catalog.loadProblems, ...templates.problems];
      if (loadProblems.length) {
        for (const p of loadProblems) process.stderr.write(`${p.file}: ${p.path || '/'}: ${p.message}\n`);
        process.exit(EXIT.badInput);
      }
      // Every version of every tenant policy, then every template policy (its one document).
      const units: Array<{ ref: string; label: string; file: string; compile: () => CompileResult }> = [
        ...catalog.refs().flatMap((r) => {
          const [tenant, key] = r.split('/') as [string, string];
          const source = catalog.policy(tenant, key)!;
          return source.versions.map((v) => ({ ref: r, label: `${r}@${v.version}`, file: v.file, compile: () => catalog.compileVersion(source, v.version) }));
        }),
        ...templates.templates.flatMap((t) =>
          t.policies.map((p) => ({ ref: `${TEMPLATES_FOLDER}/${t.template}/${p.key}`, label: `${TEMPLATES_FOLDER}/${t.template}/${p.key}`, file: p.file, compile: () => compile(p.document, { registry: schemaRegistry(), sourceText: p.sourceText }) })),
        ),
      ];
      const selected = units.filter((u) => !ref || u.ref === ref || u.ref.startsWith(`${ref}/`));
      if (!selected.length) {
        process.stderr.write(`no policy matches ${JSON.stringify(ref)}; known: ${[...new Set(units.map((u) => u.ref))].join(', ')}\n`);
        process.exit(EXIT.badInput);
      }
      let passed = 0;
      let failed = 0;
      for (const unit of selected) {
        const label = unit.label;
        const compiled = unit.compile();
        if (!compiled.ok) {
          printProblems(`✗ ${label} does not compile (${unit.file})`, compiled.problems);
          failed++;
          continue;
        }
        for (const t of runPolicyTests(compiled.policy)) {
          if (t.passed) {
            passed++;
            if (opts.verbose) process.stdout.write(`✓ ${label} ${t.name}\n`);
            continue;
          }
          failed++;
          process.stdout.write(`✗ ${label} ${t.name} (${t.path}${t.rule ? `, decided by rule ${t.rule}` : ''})\n`);
          if (t.error) process.stdout.write(`    ${JSON.stringify(t.error)}\n`);
          for (const m of t.mismatches) process.stdout.write(`    ${m.path || '/'}: ${m.message}\n`);
        }
      }
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      process.exit(failed ? EXIT.failed : EXIT.ok);
    });
}
