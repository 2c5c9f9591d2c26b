// The core library's layers (docs/architecture.md, "Layers"): a folder of shared/ imports its own files
// and the layers below it, never a layer above it or beside it, and no file comes back to itself through
// its imports. The graph is read from the sources with TypeScript's own pre-processor, type-only imports
// included: a type from a higher floor ties a lower one to it just the same.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/paths.ts';

/** Lowest first. Folders of one rank are neighbours: neither imports the other. */
const ranks: Readonly<Record<string, number>> = {
  lib: 0,
  contract: 1,
  domain: 2,
  store: 3,
  identity: 3,
  mail: 3,
  'stats/model': 4,
  'stats/counting': 5,
  'stats/files': 5,
  'stats/disclosure': 6,
  'stats/snapshot': 7,
  'use-cases': 8,
  http: 9,
};

type Graph = ReadonlyMap<string, readonly string[]>;

/** shared/'s files (relative to shared/) and the files each imports (relative to shared/ when inside it). */
function importGraph(): Graph {
  const shared = join(projectRoot, 'shared');
  const files = readdirSync(shared, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  return new Map(
    files.map((file) => {
      const source = readFileSync(join(shared, file), 'utf8');
      const imported = ts
        .preProcessFile(source, true, true)
        .importedFiles.map((entry) => entry.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => relative(shared, normalize(join(shared, dirname(file), name))));
      return [file, imported];
    }),
  );
}

function folderOf(file: string): string | undefined {
  return Object.keys(ranks)
    .filter((folder) => file.startsWith(`${folder}/`))
    .sort((a, b) => b.length - a.length)[0];
}

/** Every import that leaves shared/, goes up a floor or to a neighbour, and every file in no layer. */
function layerViolations(graph: Graph): string[] {
  const found: string[] = [];
  for (const [file, imports] of graph) {
    const from = folderOf(file);
    if (!from) {
      found.push(`${file} is in no layer`);
      continue;
    }
    for (const target of imports) {
      const to = folderOf(target);
      if (target.startsWith('..')) found.push(`${file} imports ${target}, outside shared/`);
      else if (to === undefined) found.push(`${file} imports ${target}, in no layer`);
      else if (to !== from && (ranks[to] ?? 0) >= (ranks[from] ?? 0))
        found.push(`${file} (${from}) imports ${target} (${to}): not a layer below`);
    }
  }
  return found;
}

/** The import circles: each strongly connected set of two or more files, or a file importing itself. */
function importCircles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let next = 0;
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) === index.get(file)) {
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== file);
      if (members.length > 1 || graph.get(file)?.includes(file)) circles.push(members.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return circles;
}

describe('the layers of shared/', () => {
  const graph = importGraph();

  it('reads the whole library', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('http/routes.ts')).toContain('contract/schemas.ts');
  });

  it('imports only downwards: every folder is a layer, and no import goes up a floor or sideways', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('has no import circles', () => {
    expect(importCircles(graph)).toEqual([]);
  });

  it('notices an import up a floor, sideways, out of shared/, and a circle', () => {
    const broken = new Map(graph);
    broken.set('lib/dates.ts', [...(graph.get('lib/dates.ts') ?? []), 'store/keys.ts']);
    broken.set('stats/files/charts.ts', [
      ...(graph.get('stats/files/charts.ts') ?? []),
      'stats/counting/counters.ts',
    ]);
    broken.set('domain/cards.ts', [...(graph.get('domain/cards.ts') ?? []), '../infra/paths.ts']);
    broken.set('domain/audit.ts', [...(graph.get('domain/audit.ts') ?? []), 'domain/people.ts']);
    broken.set('domain/people.ts', [...(graph.get('domain/people.ts') ?? []), 'domain/audit.ts']);
    broken.set('tools/extra.ts', []);
    expect(layerViolations(broken).sort()).toEqual(
      [
        'lib/dates.ts (lib) imports store/keys.ts (store): not a layer below',
        'stats/files/charts.ts (stats/files) imports stats/counting/counters.ts (stats/counting): not a layer below',
        'domain/cards.ts imports ../infra/paths.ts, outside shared/',
        'tools/extra.ts is in no layer',
      ].sort(),
    );
    expect(importCircles(broken)).toContainEqual(['domain/audit.ts', 'domain/people.ts']);
  });
});
