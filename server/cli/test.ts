/** `test [<tenant>/<policy>]`: run the embedded tests of every version of the policies in policies/. */
import type { Command } from 'commander';
import { runPolicyTests } from '../engine/index.ts';
import { LocalCatalog } from '../catalog/local-catalog.ts';
import { EXIT, printProblems } from './io.ts';

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('run the embedded tests of policies/ (all, or one tenant/policy); exit 1 on any failure')
    .argument('[ref]', 'tenant/policy, or a tenant')
    .option('-v, --verbose', 'list passing tests too')
    .action((ref: string | undefined, opts: { verbose?: boolean }) => {
      const catalog = LocalCatalog.load();
      if (catalog.loadProblems.length) {
        for (const p of catalog.loadProblems) process.stderr.write(`${p.file}: ${p.path || '/'}: ${p.message}\n`);
        process.exit(EXIT.badInput);
      }
      const refs = catalog.refs().filter((r) => !ref || r === ref || r.startsWith(`${ref}/`));
      if (!refs.length) {
        process.stderr.write(`no policy matches ${JSON.stringify(ref)}; known: ${catalog.refs().join(', ')}\n`);
        process.exit(EXIT.badInput);
      }
      let passed = 0;
      let failed = 0;
      for (const r of refs) {
        const [tenant, key] = r.split('/') as [string, string];
        const source = catalog.policy(tenant, key)!;
        for (const v of source.versions) {
          const label = `${r}@${v.version}`;
          const compiled = catalog.compileVersion(source, v.version);
          if (!compiled.ok) {
            printProblems(`✗ ${label} does not compile (${v.file})`, compiled.problems);
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
      }
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      process.exit(failed ? EXIT.failed : EXIT.ok);
    });
}
