// The local Lambda Invoke endpoint: a function that invokes another (POST /v1/stats/snapshots hands the day
// to the snapshot function) is authorised for lambda:InvokeFunction on that function, as in AWS.
import type { LocalDeploymentNames, LocalIam } from '../aws/account.ts';
import { localAccount } from '../aws/account.ts';
import { answer, type Listening, listenOnLoopback, readSigned } from '../aws/http.ts';
import { verifySigV4 } from '../aws/sigv4.ts';
import type { LocalFunctions } from './functions.ts';

const invocationPath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLambdaEndpoint(
  iam: LocalIam,
  names: LocalDeploymentNames,
  functions: () => LocalFunctions,
): Promise<Listening> {
  return listenOnLoopback(
    0,
    async (incoming, response) => {
      const signed = await readSigned(incoming);
      const refuse = (status: number, type: string, message: string) =>
        answer(response, status, JSON.stringify({ Type: 'User', message }), {
          'content-type': 'application/json',
          'x-amzn-errortype': type,
        });
      const verified = verifySigV4(signed, iam.secretOf);
      if (!verified.ok) {
        if (verified.reason === 'unknown-key' || verified.reason === 'missing')
          return refuse(
            403,
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
          );
        return refuse(403, 'InvalidSignatureException', verified.message);
      }
      const named = invocationPath.exec(signed.path)?.[1];
      if (signed.method !== 'POST' || !named)
        return refuse(404, 'ResourceNotFoundException', 'No such operation.');
      const name = decodeURIComponent(named).replace(/^arn:aws:lambda:[^:]*:[^:]*:function:/, '');
      const arn = `arn:aws:lambda:${localAccount.region}:${localAccount.accountId}:function:${name}`;
      const decision = await iam.decide({
        accessKeyId: verified.accessKeyId,
        action: 'lambda:InvokeFunction',
        resource: arn,
        context: {},
      });
      if (!decision.allowed) return refuse(403, 'AccessDeniedException', decision.message);
      const target = iam.templates.find((template) => iam.functionNameOf(template.handlerFile) === name);
      const caller = iam.identify(verified.accessKeyId);
      if (
        !target ||
        (caller?.kind === 'function' &&
          (caller.tableName !== names.tableName || caller.bucket !== names.bucket))
      )
        return refuse(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
      const payload = JSON.parse(signed.body.toString('utf8') || '{}') as unknown;
      const asynchronous = signed.headers['x-amz-invocation-type'] === 'Event';
      try {
        // An asynchronous invocation is answered once the run is over (AWS answers at once): a script or
        // a test that asks for a snapshot can then read it without polling. Lambda's retries are not
        // copied; a failed run is logged.
        const result = await functions().invoke(target.handlerFile, payload);
        if (asynchronous) return answer(response, 202, '');
        return answer(response, 200, JSON.stringify(result ?? null), { 'content-type': 'application/json' });
      } catch (error) {
        console.error(JSON.stringify({ level: 'error', where: name, error: String(error) }));
        if (asynchronous) return answer(response, 202, '');
        return answer(response, 200, JSON.stringify({ errorMessage: String(error) }), {
          'content-type': 'application/json',
          'x-amz-function-error': 'Unhandled',
        });
      }
    },
    'lambda endpoint',
  );
}
