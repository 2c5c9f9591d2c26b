// API keys: "kk.<keyId>.<secret>". The id finds the stored item; only the SHA-256 of the whole key is
// stored, so a leaked table holds no working key. 256 random bits per secret.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../contract/roles.ts';

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly orgId: string;
  readonly role: Role;
  readonly areaId?: string;
  /** Absent only for an area's first key between approval and the applicant's claim. */
  readonly secretHash?: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
  /** What the key is for ("Kassajärjestelmä"), so that two keys of one organisation can be told apart. */
  readonly name?: string;
  /** After this instant the key is refused like a revoked one. */
  readonly expiresAt?: string;
}

/** An expired key is refused exactly like a revoked one. */
export const isExpired = (key: { expiresAt?: string }, nowMs: number) =>
  key.expiresAt !== undefined && Date.parse(key.expiresAt) <= nowMs;

/** A key that may no longer be used, at this instant (revoked or expired). */
export const isRevokedOrExpired = (key: ApiKeyRecord, nowMs: number) =>
  key.revokedAt !== undefined || isExpired(key, nowMs);

const hashOf = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');

const newKeyId = () => `k${randomBytes(10).toString('hex')}`;
const newSecret = (keyId: string) => `kk.${keyId}.${randomBytes(32).toString('base64url')}`;

/** A key whose secret is minted later (mintSecret): the area's first key, made at approval. */
export function unclaimedApiKey(
  owner: { orgId: string; role: Role; areaId?: string },
  now: Date,
): ApiKeyRecord {
  return {
    keyId: newKeyId(),
    orgId: owner.orgId,
    role: owner.role,
    areaId: owner.areaId,
    createdAt: now.toISOString(),
  };
}

export function mintSecret(keyId: string): { apiKey: string; secretHash: string } {
  const apiKey = newSecret(keyId);
  return { apiKey, secretHash: hashOf(apiKey) };
}

export function newApiKey(
  owner: { orgId: string; role: Role; areaId?: string },
  now: Date,
  details: { name?: string; expiresAt?: Date } = {},
) {
  const keyId = newKeyId();
  const apiKey = newSecret(keyId);
  const record: ApiKeyRecord = {
    keyId,
    orgId: owner.orgId,
    role: owner.role,
    areaId: owner.areaId,
    secretHash: hashOf(apiKey),
    createdAt: now.toISOString(),
    ...(details.name !== undefined && { name: details.name }),
    ...(details.expiresAt !== undefined && { expiresAt: details.expiresAt.toISOString() }),
  };
  return { apiKey, record };
}

/** The key id inside a presented key, or undefined if it is not shaped like one of ours. */
export function keyIdOf(apiKey: string): string | undefined {
  const match = /^kk\.(k[0-9a-f]{20})\.[A-Za-z0-9_-]{43}$/.exec(apiKey);
  return match?.[1];
}

export function keyMatches(record: ApiKeyRecord, apiKey: string): boolean {
  if (!record.secretHash) return false;
  return timingSafeEqual(Buffer.from(record.secretHash, 'hex'), Buffer.from(hashOf(apiKey), 'hex'));
}

/**
 * The token of `Authorization: Bearer <token>`, written exactly so: the scheme as `Bearer`, one space, an
 * RFC 6750 token. Any other spelling (`bearer`, `BEARER`, two spaces, a tab, spaces after) is refused:
 * API Gateway caches the authorizer's answer by the header's exact value and WAF counts by it, so a
 * variant accepted would be one more cache entry (with fresh reads of the key) and one more counter for
 * the same key (issue 17).
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(header ?? '');
  return match?.[1];
}
