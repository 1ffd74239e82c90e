/**
 * `validate <file>`: compile a policy document; exit 2 with every problem and its JSON path.
 * A document that compiles is also analysed (server/engine/analysis): its warnings are printed
 * after the summary, one per line with the JSON path and the code, and the exit code stays 0.
 */
import type { Command } from 'commander';
import { compile } from '../engine/index.ts';
import { analyzePolicy } from '../engine/analysis/index.ts';
import { schemaRegistry } from '../catalog/schema-files.ts';
import { EXIT, printProblems, readJsonInput } from './io.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a policy document (schema, operators, safety bounds); exit 2 with the problems; warnings of the static analysis are printed, exit 0')
    .argument('<file>', 'policy document (JSON), or - for standard input')
    .action((file: string) => {
      const parsed = readJsonInput(file);
      if (!parsed.ok) {
        printProblems(`${file}: invalid`, parsed.problems);
        process.exit(EXIT.badInput);
      }
      const result = compile(parsed.value, { registry: schemaRegistry(), sourceText: parsed.text });
      if (!result.ok) {
        printProblems(`${file}: ${result.problems.length} problem(s)`, result.problems);
        process.exit(EXIT.badInput);
      }
      const doc = result.policy.document;
      const registry = schemaRegistry();
      const warnings = analyzePolicy(doc, { schema: (id) => registry.schema(id) });
      const noted = warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '';
      process.stdout.write(`${file}: valid policy "${doc.key}" (${doc.rules.length} rules, ${doc.tests?.length ?? 0} tests${noted})\n`);
      for (const w of warnings) process.stdout.write(`  warning ${w.path || '/'} [${w.code}]: ${w.message}\n`);
    });
}
