// Issue 18: one description of the protection rule. The words partners read in every disclosure/P.json
// (`rule`) are quoted as they are in each document that describes the rule.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { protectionRule } from '../../../shared/stats/model/disclosure.ts';

const documents = [
  'docs/statistics.md',
  'docs/statistics-disclosure.md',
  'docs/decisions/0017-disclosure-records-and-left-out-rows.md',
];
/** Markdown quote markers and line breaks away: the text a reader reads. */
const prose = (text: string) =>
  text
    .split('\n')
    .map((line) => line.replace(/^\s*>\s?/, ''))
    .join(' ')
    .replace(/\s+/g, ' ');

describe('the protection rule', () => {
  it.each(documents)('is quoted word for word in %s', (path) => {
    expect(prose(readFileSync(path, 'utf8'))).toContain(protectionRule);
  });

  it('is described nowhere in other words (the old "fewer than 5 possible values")', () => {
    for (const path of documents) expect(readFileSync(path, 'utf8')).not.toMatch(/fewer than 5 possible/);
  });
});
