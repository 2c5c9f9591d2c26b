// One service per data folder: two would share DynamoDB Local's files and corrupt them.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './dynamodb.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the data folder's lock or says who holds it; a lock left by a dead process is taken over. */
export function lockDataDir(dataDir: string): { release(): void } {
  const file = join(dataDir, 'service.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        release: () => {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder))
        throw new StartupError(
          `the service already runs from ${dataDir} (pid ${holder}): stop it first, or set KAIKU_DATA_DIR to another folder.`,
        );
      rmSync(file, { force: true });
    }
  }
  throw new StartupError(`cannot lock ${dataDir}: another start is under way.`);
}
