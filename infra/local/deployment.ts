// One local deployment of the service on a table: its functions (each in its own runtime with its own
// role), the Lambda endpoint they invoke each other through, and the stream consumer's event source.
import type { LocalDeploymentNames, LocalIam } from './aws/account.ts';
import type { Listening } from './aws/http.ts';
import { type IdentityEndpoint, LocalFunctions } from './lambda/functions.ts';
import { startLambdaEndpoint } from './lambda/lambda-endpoint.ts';

export interface Deployment extends LocalDeploymentNames {
  readonly functions: LocalFunctions;
  readonly lambda: Listening;
  stop(): Promise<void>;
}

export async function startDeployment(
  iam: LocalIam,
  names: LocalDeploymentNames,
  endpoints: {
    readonly dynamodb: string;
    readonly s3: string;
    readonly secrets: string;
    readonly identity?: IdentityEndpoint;
  },
): Promise<Deployment> {
  let functions: LocalFunctions | undefined;
  const lambda = await startLambdaEndpoint(iam, names, () => functions!);
  functions = new LocalFunctions(iam, names, { ...endpoints, lambda: lambda.endpoint });
  const running = functions;
  return {
    ...names,
    functions: running,
    lambda,
    async stop() {
      await lambda.stop();
      await running.stop();
    },
  };
}
