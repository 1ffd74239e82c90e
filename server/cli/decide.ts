/** `decide <tenant>/<policy> --at <ISO> --input <file|->`: print the decision answer, as the API would. */
import type { Command } from 'commander';
import { LocalCatalog } from '../catalog/local-catalog.ts';
import { EXIT, printProblems, readJsonInput } from './io.ts';

export function registerDecide(program: Command): void {
  program
    .command('decide')
    .description('decide with the version active at --at (seed activations included; or at the order\'s placedAt when that version has pinTo "order.placedAt"); exit 2 on bad input')
    .argument('<ref>', 'tenant/policy, e.g. solum/returns')
    .requiredOption('--input <file>', 'decision input {order, request} as JSON, or - for standard input')
    .option('--at <iso>', 'evaluation instant (ISO-8601); default: now')
    .option('--trace', 'include the evaluation trace')
    .option('--explain', 'include the explanation: the reasons in plain language, and what would have changed a denied or partial outcome')
    .option('--language <tag>', 'with --explain: the language of the explanation (default: the order\'s customer.language, else the tenant\'s)')
    .action((ref: string, opts: { input: string; at?: string; trace?: boolean; explain?: boolean; language?: string }) => {
      const [tenant, key, extra] = ref.split('/');
      if (!tenant || !key || extra !== undefined) {
        process.stderr.write(`expected <tenant>/<policy>, got ${JSON.stringify(ref)}\n`);
        process.exit(EXIT.badInput);
      }
      const parsed = readJsonInput(opts.input);
      if (!parsed.ok) {
        printProblems('invalid input', parsed.problems);
        process.exit(EXIT.badInput);
      }
      // POLICIES_DIR, as for the server's seed: the policies/ folder to decide from.
      const outcome = LocalCatalog.load(process.env.POLICIES_DIR || undefined).decide(tenant, key, parsed.value, opts.at ?? new Date().toISOString(), {
        trace: opts.trace === true,
        ...(opts.explain ? { explain: true } : {}),
        ...(opts.language ? { language: opts.language } : {}),
      });
      if (!outcome.ok) {
        printProblems(`${outcome.kind}: ${outcome.message}`, outcome.problems);
        process.exit(outcome.kind === 'invalid_input' || outcome.kind === 'not_found' ? EXIT.badInput : EXIT.failed);
      }
      process.stdout.write(`${JSON.stringify(outcome.answer, null, 2)}\n`);
    });
}
