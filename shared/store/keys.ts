// Every key of the single table is built here and only here (docs/data-model.md lists the access patterns).
/** The item GET /v1/health reads: it never exists, the read proves the table answers. */
export const healthKey = { pk: 'HEALTH', sk: 'HEALTH' } as const;

export const cardKey = (cardNumber: string) => ({ pk: `CARD#${cardNumber}`, sk: 'CARD' });
/**
 * The cards an organisation issued (gsi5), one partition per issuer: `A#<validUntil>#<card>` while not
 * revoked (valid and expired cards, by validity), `R#<revokedOn>#<card>` once revoked. Each status of the
 * distributors' card list is one range of it (shared/store/card-list.ts).
 */
export const cardsIssuedBy = (orgId: string) => `ISSUED#${orgId}`;
export const issuedCardSort = (card: { cardNumber: string; validUntil: string; revokedOn?: string }) =>
  card.revokedOn ? `R#${card.revokedOn}#${card.cardNumber}` : `A#${card.validUntil}#${card.cardNumber}`;

/**
 * The record of a one-off change to the table's data (a backfill): where it got to and when it finished,
 * so that it resumes after an interruption and runs once (shared/store/migrations.ts, decision 0024).
 */
export const migrationKey = (name: string) => ({ pk: `MIGRATION#${name}`, sk: 'MIGRATION' });

export const apiKeyKey = (keyId: string) => ({ pk: `KEY#${keyId}`, sk: 'KEY' });
export const organisationKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' });
export const areaKey = (areaId: string) => ({ pk: `AREA#${areaId}`, sk: 'AREA' });

export const keysOfOrganisation = (orgId: string) => `ORG#${orgId}`;
/** A venue's public profile, beside its organisation item. */
export const venueProfileKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'PROFILE' });
/**
 * The public directory, precomputed: one partition per (municipality or `all`) x (sector or `all`), each
 * listed venue in every partition it answers, sorted by name (domain/venue-profile.ts).
 */
export const directoryPartition = (municipality: string, sector: string) =>
  `VENUES#${municipality}#${sector}`;
export const directoryEntryKey = (municipality: string, sector: string, sort: string) => ({
  pk: directoryPartition(municipality, sector),
  sk: sort,
});
export const organisationsOfArea = (areaId: string | undefined) => (areaId ? `AREA#${areaId}` : 'NATIONAL');
export const allAreas = 'AREAS';

export const usageKey = (usageId: string) => ({ pk: `USAGE#${usageId}`, sk: 'USAGE' });
/**
 * An area's uses by time (gsi2): the area's list reads it, the national list merges the areas' partitions
 * (no partition takes every use).
 */
export const usagesOfArea = (areaId: string) => `AREAUSES#${areaId}`;
/** A venue's uses by time (gsi4): its list reads only its own uses, however busy its area is. */
export const usagesOfVenue = (venueId: string) => `VENUEUSES#${venueId}`;
/** Sort key of every usage listing: time first, id to break ties. */
export const usageTimeSort = (occurredAt: string, usageId: string) => `${occurredAt}#${usageId}`;

/** Daily aggregates of an area: one partition per area, so a snapshot reads days x sectors, never uses. */
export const aggregatePartition = (areaId: string) => `AGG#${areaId}`;
export const useAggregateKey = (areaId: string, day: string) => ({
  pk: aggregatePartition(areaId),
  sk: `USES#${day}`,
});
/** The counters of one sector inside a day's use aggregate item. */
export const useCounters = (sector: string) => ({
  adultUses: `${sector}AdultUses`,
  childUses: `${sector}ChildUses`,
  records: `${sector}Records`,
});
/**
 * An area's card counters of a day: `CARDS#<day>` (cards taken into use, from the stream) and, for the
 * counters that ride in the card's own transactions (registered, the active delta), one of
 * `cardCounterShards` items `CARDS#<day>#<shard>` by the card's number. DynamoDB cancels transactions
 * that meet on an item, so one item for every registration of a busy area's day turned simultaneous
 * registrations into 429s (decision 0020); readers sum a day's items.
 */
export const cardAggregateKey = (areaId: string, day: string, shard?: number) => ({
  pk: aggregatePartition(areaId),
  sk: shard === undefined ? `CARDS#${day}` : `CARDS#${day}#${shard}`,
});
export const cardCounterShards = 8;
/** The card counter item a card's transactions add to (the same one for every change of the card). */
export function cardCounterShardOf(cardNumber: string): number {
  let hash = 0;
  for (const char of cardNumber) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % cardCounterShards;
}
/** The day of a card counter item's sort key, sharded or not. */
export const cardCounterDay = (sk: string) => sk.slice('CARDS#'.length, 'CARDS#'.length + 10);

/** Uses of a day by the holders' birth year (uses_<year>, uses_unknown), counted from the table's stream. */
export const ageUsesKey = (areaId: string, day: string) => ({
  pk: aggregatePartition(areaId),
  sk: `AGES#${day}`,
});
/** The same for a whole month (YYYY-MM), so that a snapshot reads months, not every day, of the past. */
export const ageMonthUsesKey = (areaId: string, month: string) => ({
  pk: aggregatePartition(areaId),
  sk: `AGEMONTH#${month}`,
});

/** A venue's count of one card's uses on one day, kept only while the venue has a daily limit. */
export const venueCardDayKey = (venueId: string, cardNumber: string, day: string) => ({
  pk: `LIMIT#${venueId}#${cardNumber}`,
  sk: day,
});

/**
 * A flag of abnormal use, one per card, day and reason (`many-uses`, `many-areas`). Listed through gsi3
 * (national, a partition per month) and gsi1 (the card's area); a withdrawn flag has neither, so it is
 * listed nowhere.
 */
export const flagKey = (cardNumber: string, day: string, reason: string) => ({
  pk: `FLAG#${cardNumber}`,
  sk: `${day}#${reason}`,
});
export const flagsOfMonth = (month: string) => `FLAGS#${month}`;
export const flagsOfArea = (areaId: string) => `FLAGSAREA#${areaId}`;
/** Sort key of both flag listings: the day first, then the card and the reason. */
export const flagSort = (day: string, cardNumber: string, reason: string) => `${day}#${cardNumber}#${reason}`;

export const applicationKey = (applicationId: string) => ({ pk: `APP#${applicationId}`, sk: 'APP' });
export const applicationsWithStatus = (status: string) => `APPS#${status}`;
/**
 * The applications of one client (by `source`, a keyed hash of its address) that wait for a decision: at
 * most three, by a condition on submit; each decision takes its id out.
 */
export const pendingOfSourceKey = (source: string) => ({ pk: `APPSOURCE#${source}`, sk: 'PENDING' });
/**
 * Where the HMAC key of those hashes was kept before issue 17: no longer read or written (the key is in
 * Secrets Manager, shared/store/secrets.ts); docs/runbook.md says how to delete an old item.
 */
export const legacySourceSecretKey = { pk: 'SECRET#APPSOURCE', sk: 'SECRET' } as const;
/** Exists while the municipality belongs to an area: the condition that keeps it in one area only. */
export const municipalityClaimKey = (code: string) => ({ pk: `MUNI#${code}`, sk: 'AREA' });

/** Audit entries: a partition per month for the national view, gsi1 per area for an area's view. */
export const auditKey = (at: string, auditId: string) => ({
  pk: auditOfMonth(at.slice(0, 7)),
  sk: `${at}#${auditId}`,
});
export const auditOfMonth = (month: string) => `AUDIT#${month}`;
export const auditOfArea = (areaId: string) => `AUDITAREA#${areaId}`;

/** The index of statistics snapshots written to S3: one item per day D, listed newest first. */
export const snapshotsPartition = 'SNAPSHOTS';
export const snapshotIndexKey = (date: string) => ({ pk: snapshotsPartition, sk: date });

/**
 * A person and their memberships share one partition: the one Query that every request of a person makes
 * (is the person enabled, is the membership still there, has the person a second factor) reads them all.
 */
export const personPartition = (personId: string) => `PERSON#${personId}`;
export const personKey = (personId: string) => ({ pk: personPartition(personId), sk: 'PERSON' });
export const membershipKey = (personId: string, orgId: string) => ({
  pk: personPartition(personId),
  sk: `MEMBER#${orgId}`,
});
/** gsi1: an organisation's people (its memberships), by person id. */
export const peopleOfOrganisation = (orgId: string) => `PEOPLE#${orgId}`;
