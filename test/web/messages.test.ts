// Every text of the web app is in fi.json, sv.json and en.json under the same keys: a key missing from
// any language, an empty text, a placeholder one language lacks, or a key the code uses that no file has
// fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/paths.ts';

const dir = join(projectRoot, 'web', 'src', 'i18n');
const load = (lang: string) =>
  JSON.parse(readFileSync(join(dir, `${lang}.json`), 'utf8')) as Record<string, string>;
const languages = ['fi', 'sv', 'en'] as const;
const catalogues = Object.fromEntries(languages.map((lang) => [lang, load(lang)])) as Record<
  (typeof languages)[number],
  Record<string, string>
>;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('the web app’s messages', () => {
  it('have the same keys in Finnish, Swedish and English', () => {
    const keys = Object.keys(catalogues.fi).sort();
    expect(keys.length).toBeGreaterThan(100);
    for (const lang of languages) {
      const own = Object.keys(catalogues[lang]).sort();
      expect(
        keys.filter((key) => !own.includes(key)),
        `missing from ${lang}.json`,
      ).toEqual([]);
      expect(
        own.filter((key) => !keys.includes(key)),
        `in ${lang}.json only`,
      ).toEqual([]);
    }
  });

  it('are never empty and use the same placeholders in every language', () => {
    for (const key of Object.keys(catalogues.fi))
      for (const lang of languages) {
        const text = catalogues[lang][key] ?? '';
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(catalogues.fi[key]!));
      }
  });

  it('cover every key the code names', () => {
    const used = new Set<string>();
    for (const file of sources(join(projectRoot, 'web', 'src'))) {
      const code = readFileSync(file, 'utf8');
      for (const match of code.matchAll(/\bt\(\s*'([\w.-]+)'/g)) used.add(match[1]!);
      // Keys made from a value: t(`sector.${…}`) needs every sector, and so on (checked by the type too).
      for (const match of code.matchAll(/\bt\(`([\w.-]+)\.\$\{/g)) used.add(`${match[1]}.*`);
    }
    const keys = Object.keys(catalogues.fi);
    const missing = [...used].filter((key) =>
      key.endsWith('.*') ? !keys.some((known) => known.startsWith(key.slice(0, -1))) : !keys.includes(key),
    );
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(100);
  });

  it('name every sector, error code of the contract and welfare area', async () => {
    const { errorCodes } = await import('../../shared/lib/errors.ts');
    const { sectors } = await import('../../shared/contract/roles.ts');
    const { welfareAreas } = await import('../../shared/domain/codes.ts');
    const wanted = [
      ...errorCodes.map((code) => `error.${code}`),
      ...sectors.map((sector) => `sector.${sector}`),
      ...Object.keys(welfareAreas).map((code) => `welfareArea.${code}`),
    ];
    expect(wanted.filter((key) => !(key in catalogues.fi))).toEqual([]);
  });
});
