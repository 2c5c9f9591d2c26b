// A clone of this repository is all a newcomer has: no file in it may send them, or the code, to a file
// beside it (the contract, the scheme, the municipality codes all live inside: docs/, data/).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

/** Every file of the repository (committed or about to be), without what git ignores. */
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\0')
  .filter((file) => file !== '' && /\.(ts|tsx|js|mjs|json|md|sh|yaml|yml|html|css)$|(^|\/)run$/.test(file))
  .filter((file) => file !== 'package-lock.json');

/** Relative paths written out: `../x`, `../../shared/api.md`, and path.join('..', 'name') spelled out. */
const parentPath = /(?:\.\.\/)+[\w.-][\w./-]*/g;
const joinedUp = /\b(?:projectRoot|root),\s*'\.\.',\s*'(?!\.\.')[\w.-]+'/g;

/** The references in one file's text that lead out of the repository. */
function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  const folder = dirname(join(root, file));
  for (const [written] of text.matchAll(parentPath)) {
    const target = relative(root, resolve(folder, written));
    if (target === '..' || target.startsWith(`..${sep}`)) found.push(`${file}: ${written}`);
  }
  // A join from the project's root up one level: a folder beside the project, whatever it is called.
  for (const [written] of text.matchAll(joinedUp)) found.push(`${file}: ${written}`);
  return found;
}

describe('the repository stands alone', () => {
  it('reads its files from git (the check sees the whole tree)', () => {
    expect(files).toContain('docs/api.md');
    expect(files).toContain('shared/http/routes.ts');
    expect(files.length).toBeGreaterThan(300);
  });

  it('no file points to a path outside it', () => {
    const outside = files.flatMap((file) => outsideReferences(file, readFileSync(join(root, file), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('the check finds what it is for', () => {
    const sibling = ['..', 'shared', 'api.md'].join('/');
    expect(outsideReferences('README.md', `the HTTP API of \`${sibling}\``)).toEqual([
      `README.md: ${sibling}`,
    ]);
    expect(
      outsideReferences('shared/contract/schemas.ts', `// the contract (../../${sibling})`),
    ).toHaveLength(1);
    const up = ["'..'", "'shared'", "'data'"].join(', ');
    expect(outsideReferences('scripts/x.ts', `join(projectRoot, ${up})`)).toHaveLength(1);
    // Inside the repository: fine.
    expect(outsideReferences('test/unit/x.ts', "import { x } from '../../shared/http/routes.ts';")).toEqual(
      [],
    );
    expect(outsideReferences('docs/decisions/0001-x.md', '[api.md](../api.md)')).toEqual([]);
  });
});
