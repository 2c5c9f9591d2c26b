// POST /v1/stats/snapshots. In AWS the route's function hands the day to the snapshot function (the
// one the nightly schedule invokes) as an asynchronous invocation and answers at once: a snapshot may
// take longer than API Gateway waits. Without SNAPSHOT_FUNCTION_NAME (npm start, tests) the same job
// runs in this process before the answer.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

export type SnapshotRequest =
  | { readonly date: string; readonly status: 'queued' }
  | { readonly date: string; readonly status: 'written'; readonly createdAt: string };

let lambda: LambdaClient | undefined;

export async function requestSnapshot(date: string, now: Date): Promise<SnapshotRequest> {
  const functionName = process.env.SNAPSHOT_FUNCTION_NAME;
  if (functionName) {
    lambda ??= new LambdaClient({});
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ date })),
      }),
    );
    return { date, status: 'queued' };
  }
  // Named by a variable, so that esbuild leaves the job out of this route's Lambda bundle: in AWS this
  // line never runs, and the snapshot code with its S3 client would only slow the function's start.
  const localJob = './snapshot-job.ts';
  const { runSnapshot } = (await import(localJob)) as typeof import('./snapshot-job.ts');
  const run = await runSnapshot(date, { now });
  return { date, status: 'written', createdAt: run.createdAt };
}
