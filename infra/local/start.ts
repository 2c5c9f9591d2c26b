// npm start: the whole service on this machine (api.md, "Local service conventions").
import { StartupError } from './dynamodb.ts';
import { optionsFromEnv, startLocalService } from './runtime.ts';

const options = optionsFromEnv();
try {
  const service = await startLocalService({ ...options, nightlySnapshots: true });
  console.log(
    `Kaikukortti is serving ${service.url}/v1 (data in ${options.dataDir}; admin key in ${options.dataDir}/admin-key)`,
  );
  console.log(`DynamoDB Local ${service.dynamoEndpoint}, S3 ${service.s3Endpoint}. Stop with Ctrl-C.`);
  console.log(
    `Next nightly statistics snapshot: ${service.nightly?.next().toISOString()} (02:30 Europe/Helsinki).`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof StartupError) {
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
