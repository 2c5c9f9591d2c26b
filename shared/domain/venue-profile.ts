// A venue's public profile ("where the card works") and the directory entries it is listed by. The
// directory is precomputed: a listed venue has one entry per (municipality or all) x (sector or all)
// partition, so every public question (municipality?, sector?) is one Query of one partition, paged by
// name; nothing is scanned per visitor (docs/data-model.md).

import type { Sector } from '../contract/roles.ts';
import { municipalities } from './codes.ts';
import type { Organisation } from './organisations.ts';

export interface LocalisedText {
  readonly fi: string;
  readonly sv?: string;
  readonly en?: string;
}

/** What the venue (or its area's admin) writes with PUT /v1/organisations/{orgId}/profile. */
export interface ProfileInput {
  readonly published: boolean;
  readonly sectors: readonly Sector[];
  readonly offer: LocalisedText;
  readonly address?: string;
  readonly postalCode?: string;
  readonly website?: string;
  readonly accessibility?: LocalisedText;
}

export interface VenueProfile extends ProfileInput {
  readonly venueId: string;
  readonly updatedAt: string;
}

/** The organisation's side of a listing: a venue that is active and not hidden by its area's admin. */
export function isListable(org: Organisation): boolean {
  return org.kind === 'venue' && org.status === 'active' && org.hiddenFromDirectory !== true;
}

export const isListed = (org: Organisation, profile: VenueProfile | undefined): boolean =>
  profile?.published === true && isListable(org);

/** Partition keys of the directory: `all` stands for "any municipality" and "any sector". */
export const anyMunicipality = 'all';
export const anySector = 'all';

export interface DirectoryPlace {
  readonly municipality: string;
  readonly sector: string;
}

/** Every (municipality, sector) question a listed venue answers, each with an entry of its own. */
export function directoryPlaces(org: Organisation, profile: VenueProfile | undefined): DirectoryPlace[] {
  if (!isListed(org, profile) || !profile || !org.municipalityCode) return [];
  const places: DirectoryPlace[] = [];
  for (const municipality of [anyMunicipality, org.municipalityCode])
    for (const sector of [anySector, ...profile.sectors]) places.push({ municipality, sector });
  return places;
}

/** Entries sort by the name as people read it (case folded), the id keeping two namesakes apart. */
export const directorySort = (org: Organisation) =>
  `${org.name.toLocaleLowerCase('fi').normalize('NFC')}#${org.orgId}`;

/** Lower case, one kind of space: what a search term and the searched text are compared in. */
export function searchable(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase('fi').replace(/\s+/gu, ' ').trim();
}

/** The words of a search, at most five (each must occur in the venue's text). */
export function searchWords(q: string | undefined): string[] {
  if (!q) return [];
  return [
    ...new Set(
      searchable(q)
        .split(' ')
        .filter((word) => word.length > 0),
    ),
  ].slice(0, 5);
}

/** Everything a visitor may search by: the name, the offer, the address and the municipality's names. */
export function searchTextOf(org: Organisation, profile: VenueProfile): string {
  const municipality = org.municipalityCode ? municipalities[org.municipalityCode] : undefined;
  const texts = [
    org.name,
    profile.offer.fi,
    profile.offer.sv,
    profile.offer.en,
    profile.address,
    profile.postalCode,
    municipality?.name,
    municipality?.nameSv,
  ];
  return searchable(texts.filter((text) => text !== undefined && text !== '').join(' '));
}

/** A venue as the public directory shows it: the contract's fields, nothing about the organisation's keys. */
export function publicVenueView(org: Organisation, profile: VenueProfile) {
  return {
    venueId: org.orgId,
    name: org.name,
    municipalityCode: org.municipalityCode ?? '',
    areaId: org.areaId ?? '',
    sectors: [...profile.sectors],
    offer: profile.offer,
    ...(profile.address !== undefined && { address: profile.address }),
    ...(profile.postalCode !== undefined && { postalCode: profile.postalCode }),
    ...(profile.website !== undefined && { website: profile.website }),
    ...(profile.accessibility !== undefined && { accessibility: profile.accessibility }),
  };
}

export type PublicVenue = ReturnType<typeof publicVenueView>;

/**
 * The profile as its venue and area see it: the fields written, and whether the public page lists it
 * (and if not, whether that is the area admin's decision).
 */
export function profileView(org: Organisation, profile: VenueProfile | undefined) {
  return {
    venueId: org.orgId,
    name: org.name,
    ...(org.municipalityCode && { municipalityCode: org.municipalityCode }),
    ...(org.areaId && { areaId: org.areaId }),
    published: profile?.published ?? false,
    hiddenByArea: org.hiddenFromDirectory === true,
    listed: isListed(org, profile),
    sectors: profile ? [...profile.sectors] : [],
    ...(profile && { offer: profile.offer }),
    ...(profile?.address !== undefined && { address: profile.address }),
    ...(profile?.postalCode !== undefined && { postalCode: profile.postalCode }),
    ...(profile?.website !== undefined && { website: profile.website }),
    ...(profile?.accessibility !== undefined && { accessibility: profile.accessibility }),
    ...(profile && { updatedAt: profile.updatedAt }),
  };
}

/** Empty optional texts are left out rather than stored as "" (the public page shows what exists). */
export function newProfile(venueId: string, input: ProfileInput, now: Date): VenueProfile {
  const text = (value: string | undefined) =>
    value === undefined || value.trim() === '' ? undefined : value;
  const localised = (value: LocalisedText): LocalisedText => ({
    fi: value.fi,
    ...(text(value.sv) !== undefined && { sv: value.sv }),
    ...(text(value.en) !== undefined && { en: value.en }),
  });
  return {
    venueId,
    published: input.published,
    sectors: [...new Set(input.sectors)],
    offer: localised(input.offer),
    ...(text(input.address) !== undefined && { address: input.address }),
    ...(text(input.postalCode) !== undefined && { postalCode: input.postalCode }),
    ...(text(input.website) !== undefined && { website: input.website }),
    ...(input.accessibility &&
      text(input.accessibility.fi) !== undefined && { accessibility: localised(input.accessibility) }),
    updatedAt: now.toISOString(),
  };
}
