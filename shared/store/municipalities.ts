// Which municipalities have joined: each joined one has its claim (MUNI#code, written by the approval),
// read in one BatchGetItem per hundred codes.
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './client.ts';
import { municipalityClaimKey } from './keys.ts';
import { tableName } from './table.ts';

/** The area of each of the codes that has joined one; codes not in the map have not joined. */
export async function areasOfMunicipalities(codes: readonly string[]): Promise<Map<string, string>> {
  const areas = new Map<string, string>();
  for (let i = 0; i < codes.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = codes.slice(i, i + 100).map(municipalityClaimKey);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await documentClient().send(
        new BatchGetCommand({
          RequestItems: { [tableName()]: { Keys: keys, ProjectionExpression: 'pk, areaId' } },
        }),
      );
      for (const item of result.Responses?.[tableName()] ?? []) {
        const code = String(item.pk).slice('MUNI#'.length);
        if (typeof item.areaId === 'string') areas.set(code, item.areaId);
      }
      keys = result.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return areas;
}
