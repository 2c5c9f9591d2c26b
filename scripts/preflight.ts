// npm run preflight -- [--stage prod]
// Before `cdk deploy` (the pipeline runs it first): can the stage's reserved concurrency be had in this
// account? A new account's Lambda quota is often 10; prod reserves 38 and Lambda keeps 100 unreserved, so
// the deploy would fail half-way and leave the retained table and backup vault behind (docs/runbook.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import { concurrencyProblem, reservedByStage } from '../infra/concurrency-quota.ts';
import { projectRoot } from '../infra/paths.ts';
import { namesOf, stageFromContext } from '../infra/stage.ts';
import { debugHelp, parseCommandLine, runScript, ScriptError } from './cli.ts';

const script = 'preflight';
const usage = `Usage: npm run preflight [-- --stage prod|dev|dev-<name>]

Checks, with your AWS credentials, that the stage's account and region can give its functions the
concurrency they reserve (prod: the public and job functions, infra/edge.ts) while Lambda keeps 100
unreserved. Run it before the first deploy into an account; the pipeline runs it before every deploy.
Exits 0 when the deploy can go ahead, 1 with what to do when it cannot.

Options:
  -h, --help        show this text
  --stage NAME      the stage (default prod)
${debugHelp}
`;

await runScript(script, async () => {
  const { values } = parseCommandLine(script, usage, { stage: { type: 'string' } });
  const context = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')).context ?? {};
  const stage = stageFromContext((key) => (key === 'stage' ? (values.stage ?? 'prod') : context[key]));
  const needed = reservedByStage(stage);
  const lambda = new LambdaClient({ region: stage.env.region });
  const { AccountLimit } = await lambda.send(new GetAccountSettingsCommand({}));
  if (
    AccountLimit?.ConcurrentExecutions === undefined ||
    AccountLimit.UnreservedConcurrentExecutions === undefined
  )
    throw new ScriptError('Lambda answered no account limits');
  // What the stage's own functions hold already (a later deploy): those count as free for this one.
  const prefix = namesOf(stage)
    .stack('Data')
    .replace(/-Data$/, '-');
  let held = 0;
  for await (const page of paginateListFunctions({ client: lambda }, {}))
    for (const fn of page.Functions ?? [])
      if (fn.FunctionName?.startsWith(prefix)) {
        const { ReservedConcurrentExecutions } = await lambda.send(
          new GetFunctionConcurrencyCommand({ FunctionName: fn.FunctionName }),
        );
        held += ReservedConcurrentExecutions ?? 0;
      }
  const problem = concurrencyProblem(
    {
      concurrentExecutions: AccountLimit.ConcurrentExecutions,
      unreservedConcurrentExecutions: AccountLimit.UnreservedConcurrentExecutions,
    },
    needed,
    held,
  );
  if (problem) throw new ScriptError(`${stage.name} in ${stage.env.account}/${stage.env.region}: ${problem}`);
  console.log(
    `${stage.name} in ${stage.env.account}/${stage.env.region}: concurrency quota ${AccountLimit.ConcurrentExecutions}, ` +
      `${AccountLimit.UnreservedConcurrentExecutions} unreserved; the stage reserves ${needed}. The deploy can go ahead.`,
  );
});
