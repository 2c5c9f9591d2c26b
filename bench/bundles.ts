// Builds every function bundle the way CDK does (infra/constructs/lambda-bundle.ts), plus the baseline:
// a bare handler that only creates a DynamoDBDocumentClient and does one GetCommand.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../infra/constructs/lambda-bundle.ts';
import { projectRoot } from '../infra/paths.ts';
import { allHandlers } from '../shared/http/routes.ts';

export interface Bundle {
  readonly name: string;
  /** The handler file it was built from (the baseline: its generated entry). */
  readonly handlerFile: string;
  readonly file: string;
  readonly bytes: number;
}

const baselineSource = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => client.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }));
`;

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    ...esbuildOptions,
    mainFields: [...esbuildOptions.mainFields],
    logLevel: 'error',
  });
}

export async function buildBundles(
  outDir: string,
  only: (handlerFile: string) => boolean = () => true,
): Promise<{ baseline: Bundle; functions: Bundle[] }> {
  mkdirSync(outDir, { recursive: true });
  const baselineEntry = join(outDir, 'baseline-entry.ts');
  writeFileSync(baselineEntry, baselineSource);
  const baselineFile = join(outDir, 'baseline.mjs');
  await bundle(baselineEntry, baselineFile);
  const handlers = allHandlers().filter(only);
  const functions: Bundle[] = [];
  for (const handler of handlers) {
    const name = handler.replace(/^functions\//, '').replace(/\.ts$/, '');
    const file = join(outDir, `${name.replace(/\//g, '__')}.mjs`);
    await bundle(join(projectRoot, handler), file);
    functions.push({ name, handlerFile: handler, file, bytes: statSync(file).size });
  }
  return {
    baseline: {
      name: 'baseline',
      handlerFile: baselineEntry,
      file: baselineFile,
      bytes: statSync(baselineFile).size,
    },
    functions,
  };
}
