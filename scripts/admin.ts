// npm run admin -- create-admin-key [--table NAME --region REGION]
// Creates a national admin key: in the running local service (through its runtime.json and the operator's
// credentials), or with --table in a deployed table with the operator's own AWS credentials (the usual
// AWS_PROFILE / environment). The key is printed once; only its hash is stored.
import { debugHelp, parseCommandLine, runScript, UsageError } from './cli.ts';
import { targetHelp, targetOptions, useTarget } from './target.ts';

const script = 'admin';
const commands = ['create-admin-key'] as const;
const usage = `Usage: npm run admin -- <command> [--table NAME [--region REGION]]

Operator tasks on the register's table.

Commands:
  create-admin-key  create a national admin key and print it once (only its hash is stored)

Options:
  -h, --help        show this text
${targetHelp({ bucket: false })}
${debugHelp}

Examples:
  npm run admin -- create-admin-key                                       # the service npm start runs
  npm run admin -- create-admin-key --table kaiku-prod --region eu-north-1     # a deployed table
`;

await runScript(script, async () => {
  const { positionals, values } = parseCommandLine(
    script,
    usage,
    { table: targetOptions.table, region: targetOptions.region },
    { positionals: 1 },
  );
  const command = positionals[0];
  if (command === 'help') {
    process.stdout.write(usage);
    return;
  }
  if (command === undefined) throw new UsageError(script, `name a command: ${commands.join(', ')}`);
  if (!(commands as readonly string[]).includes(command))
    throw new UsageError(script, `unknown command '${command}' (commands: ${commands.join(', ')})`);

  const target = await useTarget(script, values);
  const { createAdminKey } = await import('../shared/use-cases/national-centre.ts');
  const { keyId, apiKey } = await createAdminKey();
  console.log(`Admin key ${keyId} created in ${target}. Store it now; it is not shown again:`);
  console.log(apiKey);
});
