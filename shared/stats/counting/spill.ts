// Working storage on disk for a recount that must not hold the table in memory (npm run verify-stats):
// lines appended to files through a buffer of fixed size, and sums that are written out as lines when too
// many are held. What is in memory at any time is bounded by the limits here, not by the data.
import { appendFileSync, createReadStream, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

/** Lines appended to files, buffered up to `limitChars` characters in all. */
export class LineFiles {
  private readonly buffers = new Map<string, string[]>();
  private readonly madeDirs = new Set<string>();
  private buffered = 0;
  private readonly limitChars: number;

  constructor(limitChars = 1_000_000) {
    this.limitChars = limitChars;
  }

  add(file: string, line: string): void {
    let lines = this.buffers.get(file);
    if (!lines) {
      lines = [];
      this.buffers.set(file, lines);
    }
    lines.push(line);
    this.buffered += line.length + 1;
    if (this.buffered > this.limitChars) this.flush();
  }

  flush(): void {
    for (const [file, lines] of this.buffers) {
      const dir = dirname(file);
      if (!this.madeDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.madeDirs.add(dir);
      }
      appendFileSync(file, `${lines.join('\n')}\n`);
    }
    this.buffers.clear();
    this.buffered = 0;
  }
}

/**
 * Sums by file and key, at most `limitEntries` held: beyond that they are written to their files as
 * `<key>\t<sum>` lines (a key may then appear on several lines of a file; the reader adds them up).
 */
export class SpillingSums {
  private readonly sums = new Map<string, Map<string, number>>();
  private held = 0;
  private readonly files: LineFiles;
  private readonly limitEntries: number;

  constructor(files: LineFiles, limitEntries = 20_000) {
    this.files = files;
    this.limitEntries = limitEntries;
  }

  add(file: string, key: string, value: number): void {
    let sums = this.sums.get(file);
    if (!sums) {
      sums = new Map();
      this.sums.set(file, sums);
    }
    const before = sums.get(key);
    if (before === undefined) this.held++;
    sums.set(key, (before ?? 0) + value);
    if (this.held > this.limitEntries) this.flush();
  }

  flush(): void {
    for (const [file, sums] of this.sums)
      for (const [key, sum] of sums) this.files.add(file, `${key}\t${sum}`);
    this.sums.clear();
    this.held = 0;
    this.files.flush();
  }
}

/** The lines of a file, one at a time (none if it does not exist). */
export async function* linesOf(file: string): AsyncGenerator<string> {
  if (!existsSync(file)) return;
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) if (line) yield line;
}

/** FNV-1a: a cheap, stable spread of card numbers over the buckets. */
export function bucketOf(text: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % buckets;
}
