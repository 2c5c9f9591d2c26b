// What the API shows of the snapshots in the bucket: the list and the manifests (from the table's index
// items, written with each snapshot) with a presigned link to each file. Partners see the partner tier only.
import type { Role } from '../../contract/roles.ts';
import { linkLifetimeSeconds, presignedGet } from '../../store/s3-links.ts';
import { getSnapshotRecord } from '../../store/stats.ts';
import { type Manifest, type ManifestFile, partnerManifest, snapshotPrefix } from './files.ts';

/** The contract's 15 minutes. */
export const urlLifetimeSeconds = 15 * 60;

export interface ManifestView extends Omit<Manifest, 'files'> {
  readonly files: readonly (ManifestFile & { readonly url: string })[];
  /** When the links stop working. */
  readonly urlsExpireAt: string;
}

/** The manifest of the snapshot of `date` as `role` may see it, or undefined if there is none. */
export async function manifestFor(date: string, role: Role, now: Date): Promise<ManifestView | undefined> {
  const record = await getSnapshotRecord(date);
  if (!record) return undefined;
  const full = JSON.parse(record.manifest) as Manifest;
  const manifest = role === 'admin' ? full : partnerManifest(full);
  const prefix = snapshotPrefix(date);
  // Up to 15 minutes, never past the signing credentials: what the links say is what urlsExpireAt says.
  const lifetime = linkLifetimeSeconds(urlLifetimeSeconds);
  const files = await Promise.all(
    manifest.files.map(async (file) => ({
      ...file,
      url: await presignedGet(`${prefix}${file.name}`, lifetime),
    })),
  );
  return {
    ...manifest,
    files,
    urlsExpireAt: new Date(now.getTime() + lifetime * 1000).toISOString(),
  };
}
