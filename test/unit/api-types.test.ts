// The web app's API types (web/src/api/schema.d.ts) are generated from openapi.json (npm run generate:api)
// and committed. They must be what a fresh generation gives, and the app must be typed by them: a contract
// change the app does not follow fails its type check.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiTypesFile, generatedApiTypes } from '../../scripts/generate-api.ts';
import { openApiDocument } from '../../shared/http/openapi.ts';

const root = join(import.meta.dirname, '..', '..');

/** A copy of the web app's sources (and shared/, which they import a few files of) to type-check elsewhere. */
function copyOfWebApp(): string {
  const folder = mkdtempSync(join(tmpdir(), 'kaiku-web-types-'));
  cpSync(join(root, 'web', 'src'), join(folder, 'web', 'src'), { recursive: true });
  cpSync(join(root, 'web', 'tsconfig.json'), join(folder, 'web', 'tsconfig.json'));
  cpSync(join(root, 'shared'), join(folder, 'shared'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'), 'dir');
  return folder;
}

/** tsc over the copy: its errors, or '' when it type-checks. */
function typeCheck(folder: string): string {
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', join(folder, 'web')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('the web app is typed by the contract', () => {
  it('web/src/api/schema.d.ts is what npm run generate:api writes now', async () => {
    const committed = readFileSync(apiTypesFile, 'utf8');
    expect(committed === (await generatedApiTypes()), 'run npm run generate:api').toBe(true);
  });

  it('the app type-checks against its types, and not against a contract with a field renamed', async () => {
    const folder = copyOfWebApp();
    folders.push(folder);
    const copied = join(folder, 'web', 'src', 'api', 'schema.d.ts');
    expect(typeCheck(folder)).toBe('');
    // The contract renames a field the app reads: Card.validUntil becomes validTo.
    const document = structuredClone(openApiDocument()) as any;
    for (const name of ['Card', 'DoorCard']) {
      const schema = document.components.schemas[name];
      schema.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([key, value]) => [
          key === 'validUntil' ? 'validTo' : key,
          value,
        ]),
      );
      schema.required = schema.required.map((key: string) => (key === 'validUntil' ? 'validTo' : key));
    }
    writeFileSync(copied, await generatedApiTypes(document));
    const errors = typeCheck(folder);
    expect(errors).toMatch(/error TS\d+/);
    expect(errors).toMatch(/validUntil/);
    // Likewise a route the app calls that the contract no longer has.
    const withoutMe = structuredClone(openApiDocument()) as any;
    delete withoutMe.paths['/v1/me'];
    writeFileSync(copied, await generatedApiTypes(withoutMe));
    expect(typeCheck(folder)).toMatch(/signed-in\.tsx.*error TS\d+/);
  }, 180_000);
});
