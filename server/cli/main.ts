/**
 * The policy CLI (npm run -s policy -- <command>): policy-as-code without a server, on the
 * same engine code as the API.
 *   validate <file>                                   exit 2 with path-named problems
 *   test [<tenant>/<policy>]                          run embedded tests of every version
 *   decide <tenant>/<policy> --at <ISO> --input <f|-> print the decision answer
 *   keys create|list|revoke                           API keys on the service database (--operator: platform operator keys)
 *   tenants create <id> --template <t> [--param k=v]  a tenant from a template, on the service database
 *   pull [<policy>] / publish <file> --reason <text>  policy-as-code against a running server (--url, --key)
 */
import { Command } from 'commander';
import { registerValidate } from './validate.ts';
import { registerTest } from './test.ts';
import { registerDecide } from './decide.ts';
import { registerKeys } from './keys.ts';
import { registerTenants } from './tenants.ts';
import { registerPull } from './pull.ts';
import { registerPublish } from './publish.ts';

const program = new Command()
  .name('policy')
  .description('Validate, test and decide policies from policies/ (no server needed); keys and tenants on the service database; pull and publish against a running server.')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

registerValidate(program);
registerTest(program);
registerDecide(program);
registerKeys(program);
registerTenants(program);
registerPull(program);
registerPublish(program);

await program.parseAsync(process.argv);
