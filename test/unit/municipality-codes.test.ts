// The codes the service validates against (shared/domain/codes.ts) are the ones in the repository's CSVs
// (data/): nobody regenerated one without the other, and nothing reads a folder outside the repository.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCodes } from '../../scripts/import-codes.ts';
import { municipalities, welfareAreas } from '../../shared/domain/codes.ts';

const dataFolder = join(import.meta.dirname, '..', '..', 'data');

describe('municipality codes', () => {
  const fromCsv = readCodes(dataFolder);

  it('are the 309 municipalities of data/municipalities.csv, with their names and welfare areas', () => {
    expect(Object.keys(fromCsv.municipalities)).toHaveLength(309);
    expect(municipalities).toEqual(fromCsv.municipalities);
  });

  it('name every welfare area of data/welfare-areas.csv, and every municipality names one of them', () => {
    expect(welfareAreas).toEqual(fromCsv.welfareAreas);
    for (const municipality of Object.values(municipalities))
      expect(Object.keys(welfareAreas)).toContain(municipality.welfareArea);
  });
});
