// Where the snapshots live in the statistics bucket (docs/api.md, "Snapshot files").

/** Every object of the snapshots lives under this prefix of the statistics bucket. */
export const snapshotsPrefix = 'snapshots/';

export function snapshotPrefix(date: string): string {
  return `${snapshotsPrefix}${date}/`;
}

export const latestKey = `${snapshotsPrefix}latest.json`;

/** The closed periods' partner files, each kept once as first published (shared/stats/files/archive.ts). */
export const archivePrefix = `${snapshotsPrefix}closed-periods/`;
