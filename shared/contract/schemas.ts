// Request schemas of the contract (docs/api.md): they validate requests and generate openapi.json.

import { nowMs } from '../lib/clock.ts';
import { addDays, isRealDay, parseInstant, today } from '../lib/dates.ts';
import {
  array,
  boolean,
  described,
  discriminated,
  integer,
  object,
  oneOf,
  optional,
  refine,
  type Schema,
  string,
} from '../lib/schema.ts';
import { cardNumberProblems, parseCardNumber } from './card-number.ts';
import { genders, lifeSituations } from './holder.ts';
import { sectors } from './roles.ts';

export const cardNumber = refine(
  string({ min: 1, max: 40 }),
  (text) => {
    const parsed = parseCardNumber(text);
    return 'cardNumber' in parsed ? parsed.cardNumber : { problem: cardNumberProblems[parsed.problem] };
  },
  { description: 'Card number, e.g. 7KQ3-XW9A-M2HT; case, spaces and dashes are ignored on input.' },
);

/** The scheme's life: nothing is dated before it began, nor more than a year ahead of today. */
export const firstDay = '2015-01-01';
export const lastDay = (now?: Date) => addDays(today(now), 366);

export const day = refine(
  string({
    pattern: /^\d{4}-\d{2}-\d{2}$/,
    description: `a date YYYY-MM-DD, from ${firstDay} to a year from today`,
  }),
  (text) =>
    !isRealDay(text)
      ? { problem: 'is not a real calendar date' }
      : text < firstDay || text > lastDay()
        ? { problem: `must be from ${firstDay} to a year from today` }
        : text,
  { format: 'date' },
);

export const instant = refine(
  string({ max: 40, description: 'an ISO 8601 instant with its zone' }),
  (text) =>
    parseInstant(text) ?? {
      problem: 'must be an ISO 8601 instant with a zone, e.g. 2026-05-01T12:00:00+03:00',
    },
  { format: 'date-time' },
);

const postalCode = string({ pattern: /^\d{5}$/, description: 'five digits' });
const birthYear = integer({
  min: 1900,
  max: 2100,
  description: 'The holder turns 16 this year at the latest.',
});
const minorChildren = integer({ min: 0, max: 20, description: 'Own or same-household children under 18.' });

export const issuePersonalCard = object({
  cardNumber: optional(cardNumber),
  cardType: oneOf(['personal']),
  birthYear,
  postalCode,
  minorChildren,
  validUntil: optional(day),
  gender: optional(oneOf(genders)),
  lifeSituation: optional(oneOf(lifeSituations)),
});

export const issueCommunityCard = object({
  cardNumber: optional(cardNumber),
  cardType: oneOf(['community']),
  validUntil: optional(day),
});

export const issueCard = discriminated('cardType', {
  personal: issuePersonalCard,
  community: issueCommunityCard,
});

export const updateCard = object({
  postalCode: optional(postalCode),
  minorChildren: optional(minorChildren),
  gender: optional(oneOf(genders)),
  lifeSituation: optional(oneOf(lifeSituations)),
});

export const emptyBody = object({});

export const revokeCard = object({ reason: oneOf(['lost', 'misuse', 'other']) });

export const replaceCard = object({ newCardNumber: optional(cardNumber) });

const usageFields = {
  cardNumber,
  sector: oneOf(sectors),
  adults: integer({ min: 0, max: 10, description: 'Personal card 0-1, community card 0-10.' }),
  children: integer({
    min: 0,
    max: 20,
    description: "At most the card's minorChildren (community card: 10).",
  }),
  occurredAt: optional(instant),
  venueId: optional(string({ min: 1, max: 64, description: 'Required for ticket agents.' })),
  eventName: optional(string({ max: 200, freeText: true })),
};

export const recordUsage = object(usageFields);

export const batchUsageRow = object({
  clientRef: string({ min: 1, max: 64, description: 'Idempotency of the row, per venue.' }),
  ...usageFields,
});

export const batchUsages = object({ items: array(described(batchUsageRow), { min: 1, max: 500 }) });

export const batchCsvColumns = Object.keys(batchUsageRow.shape);

export const limit = refine(string({ pattern: /^\d{1,3}$/, description: '1-500, default 50' }), (text) => {
  const value = Number(text);
  return value >= 1 && value <= 500 ? value : { problem: 'must be between 1 and 500' };
});

export const cursor = string({
  min: 1,
  max: 2000,
  description: 'opaque: the nextCursor of the previous page',
});

export const listUsagesQuery = object({
  from: optional(day),
  to: optional(day),
  format: optional(oneOf(['json', 'csv'])),
  limit: optional(limit),
  cursor: optional(cursor),
});

export type AnySchema = Schema<unknown>;

// Onboarding, organisations and keys.
const email = string({
  max: 254,
  pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  description: 'an e-mail address',
  freeText: true,
});
const personName = string({ min: 1, max: 200, freeText: true });
export const contact = object({
  name: personName,
  email,
  phone: optional(
    string({ max: 40, pattern: /^\+?[0-9 ()-]{5,40}$/, description: 'a phone number', freeText: true }),
  ),
});
const municipalityCode = string({
  pattern: /^\d{3}$/,
  description: 'an official three-digit municipality code',
});

export const submitApplication = object({
  areaName: string({ min: 1, max: 200, freeText: true }),
  municipalityCodes: array(municipalityCode, { min: 1, max: 60 }),
  welfareArea: string({ min: 2, max: 3, pattern: /^[A-Z]{2,3}$/, description: 'welfare area id, e.g. LU' }),
  contacts: object({ culture: contact, social: contact }),
  /** The language the applicant wrote in: the decision is e-mailed in it (else in fi, sv and en). */
  language: optional(oneOf(['fi', 'sv', 'en'] as const)),
});

export const rejectApplication = object({ reason: string({ min: 1, max: 1000, freeText: true }) });

/** Rejecting at once: every waiting application of one source, or the ids listed (exactly one of the two). */
export const rejectPendingApplications = object({
  reason: string({ min: 1, max: 1000, freeText: true }),
  source: optional(
    string({
      pattern: /^[A-Za-z0-9_-]{16}$/,
      description: "a pending application's source from GET /v1/applications (give source or ids, not both)",
    }),
  ),
  ids: optional(
    array(string({ min: 1, max: 100, pattern: /^[A-Za-z0-9_.-]+$/, description: 'an application id' }), {
      min: 1,
      max: 100,
    }),
  ),
});

export const listApplicationsQuery = object({
  status: optional(oneOf(['pending', 'approved', 'rejected'])),
  limit: optional(limit),
  cursor: optional(cursor),
});

const cardLimitPerDay = integer({
  min: 1,
  max: 100,
  description: "A venue's upper limit of uses per card per day.",
});

export const createOrganisation = object({
  kind: oneOf(['distributor', 'venue']),
  name: string({ min: 1, max: 200, freeText: true }),
  municipalityCode,
  contactEmail: email,
  cardLimitPerDay: optional(cardLimitPerDay),
});

export const updateOrganisation = object({
  name: optional(string({ min: 1, max: 200, freeText: true })),
  status: optional(oneOf(['active', 'inactive'])),
  cardLimitPerDay: optional(cardLimitPerDay),
  hiddenFromDirectory: optional(
    boolean({
      description:
        "A venue's public profile hidden from the directory by its area's admin (or the national centre); the venue cannot publish it again.",
    }),
  ),
});

export const createNationalOrganisation = object({
  name: string({ min: 1, max: 200, freeText: true }),
  contactEmail: email,
});

export const pageQuery = object({ limit: optional(limit), cursor: optional(cursor) });

export const auditQuery = object({
  from: optional(day),
  to: optional(day),
  limit: optional(limit),
  cursor: optional(cursor),
});

/** GET /v1/cards: the caller's own organisation's cards of one status (default: valid ones). */
export const listIssuedCardsQuery = object({
  status: optional(oneOf(['active', 'expired', 'revoked'])),
  limit: optional(limit),
  cursor: optional(cursor),
});

export const listFlagsQuery = object({
  from: optional(day),
  to: optional(day),
  limit: optional(limit),
  cursor: optional(cursor),
});

// Statistics.
export const statsSummaryQuery = object({
  from: optional(day),
  to: optional(day),
  areaId: optional(
    string({
      min: 1,
      max: 64,
      pattern: /^[A-Za-z0-9_-]+$/,
      description: "an area's id; admin: any area, or national figures without it; area-admin: own area",
    }),
  ),
});

export const requestSnapshot = object({ date: optional(day) });

// Keys and people (issue 16).
export const createKey = object({
  name: optional(string({ min: 1, max: 100, freeText: true, description: 'what the key is for' })),
  expiresAt: optional(
    refine(instant, (at) =>
      at.getTime() > nowMs() + 60_000 ? at : { problem: 'must be at least a minute in the future' },
    ),
  ),
});

export const setPersonStatus = object({
  status: oneOf(['active', 'disabled']),
});

export const invitePerson = object({
  email,
  name: personName,
  manager: optional(boolean()),
});

// The venue directory ("where the card works").
const profileText = string({ min: 1, max: 1000, freeText: true });
const localisedText = (what: string) =>
  object({
    fi: profileText,
    sv: optional(string({ max: 1000, freeText: true, description: `${what} in Swedish` })),
    en: optional(string({ max: 1000, freeText: true, description: `${what} in English` })),
  });
export const website = refine(
  string({ max: 1000, freeText: true, description: 'an https address' }),
  (text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { problem: 'must be a web address (https://...)' };
    }
    if (url.protocol !== 'https:') return { problem: 'must be an https address' };
    if (!url.hostname.includes('.') || url.username || url.password)
      return { problem: 'must name a public host, without a user name or password' };
    return text;
  },
  { format: 'uri', pattern: '^https://' },
);
export const venueProfile = object({
  published: boolean({ description: 'listed on the public page (unless the area admin hides it)' }),
  sectors: array(oneOf(sectors), { min: 1, max: sectors.length }),
  offer: localisedText('What the card holder gets'),
  address: optional(string({ max: 200, freeText: true })),
  postalCode: optional(string({ pattern: /^\d{5}$/, description: '5 digits' })),
  website: optional(website),
  accessibility: optional(localisedText('Accessibility')),
});

export const listVenuesQuery = object({
  municipality: optional(string({ pattern: /^\d{3}$/, description: "a municipality's code, e.g. 049" })),
  sector: optional(oneOf(sectors)),
  q: optional(
    string({
      min: 1,
      max: 100,
      freeText: true,
      description: 'words that must all occur in the name, offer, address or municipality',
    }),
  ),
  limit: optional(limit),
  cursor: optional(cursor),
});
