// Redocly CLI's recommended rules pass over openapi.json with no error and no warning (redocly.yaml).
import { describe, expect, it } from 'vitest';
import { lintOpenApi } from '../../scripts/lint-openapi.ts';
import { openApiDocument } from '../../shared/http/openapi.ts';

describe('openapi.json under Redocly recommended', () => {
  it('has no error and no warning', () => {
    const result = lintOpenApi();
    expect(result.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    expect(result.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 60_000);

  it('does report what the rules forbid (the lint really runs with them)', () => {
    const document = structuredClone(openApiDocument()) as any;
    delete document.info.license;
    delete document.paths['/v1/health'].get.summary;
    document.paths['/v1/me'].get.responses['200'].content['application/json'].examples.venue.value.role =
      'visitor';
    const rules = lintOpenApi(document).problems.map((problem) => problem.ruleId);
    expect(rules).toContain('info-license');
    expect(rules).toContain('operation-summary');
    expect(rules).toContain('no-invalid-media-type-examples');
  }, 60_000);
});
