// npm start: the whole service on this machine (docs/api.md, "Local service conventions").
import { mkdirSync } from 'node:fs';
import { now } from '../../shared/lib/clock.ts';
import { StartupError } from './dynamodb.ts';
import { lockDataDir } from './lock.ts';
import { optionsFromEnv, startLocalService } from './runtime.ts';

// Everything written under the data folder (DynamoDB's files, S3's, keys) is for this user only.
process.umask(0o077);
let lock: { release(): void } | undefined;
try {
  // An invalid KAIKU_CLOCK is refused here, with one line.
  const options = optionsFromEnv();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  lock = lockDataDir(options.dataDir);
  const service = await startLocalService({ ...options, nightlySnapshots: true });
  console.log(
    `Kaikukortti is serving ${service.url}/v1 (data in ${options.dataDir}; admin key in ${options.dataDir}/admin-key)`,
  );
  console.log(
    `DynamoDB ${service.dynamoEndpoint}, S3 ${service.s3Endpoint} (IAM enforced). Stop with Ctrl-C.`,
  );
  console.log(
    `Sign-in: the local identity provider (Cognito stand-in) ${service.identity.issuer}; invitation e-mails in ${options.dataDir}/outbox.`,
  );
  const backfill = service.cardIndexBackfill;
  if (backfill?.status === 'finished' && (backfill.run.changed > 0 || backfill.resumedFrom))
    console.log(
      `Card list: ${backfill.run.changed === 1 ? '1 card' : `${backfill.run.changed} cards`} registered before it added to the distributors' lists (once; docs/decisions/0024-card-index-backfill.md).`,
    );
  if (options.clockOffsetMs !== undefined)
    console.log(
      `Clock: KAIKU_CLOCK, the service runs as if it were ${now().toISOString()} and its clock moves on from there.`,
    );
  console.log(
    `Next nightly statistics snapshot: ${service.nightly?.next().toISOString()} (02:30 Europe/Helsinki).`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    // Whatever hangs, the process is gone within 10 s; DynamoDB Local dies with it (SIGKILL at worst).
    setTimeout(() => {
      console.error('Stopping took too long: exiting now.');
      lock?.release();
      process.exit(1);
    }, 9_000).unref();
    await service.stop();
    lock?.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // npm and its shell do not pass every signal on: a SIGTERM to `npm start` ends npm and would leave the
  // service (and DynamoDB Local) running, orphaned. Whoever started us is gone: stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent process gone');
  }, 500).unref();
} catch (error) {
  lock?.release();
  if (error instanceof StartupError) {
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
  console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
