// Response schemas of the contract (docs/api.md): what each route answers on success, declared once
// with the same builders as the request schemas (schemas.ts). The route table names one for each route;
// openapi.json is generated from them (with their examples), the web app's client is generated from
// openapi.json, and test/e2e/openapi-responses.test.ts checks real answers of the service against them.

import { errorCodes } from '../lib/errors.ts';
import {
  array,
  boolean,
  integer,
  jsonObject,
  named,
  nullable,
  object,
  oneOf,
  optional,
  type Schema,
  string,
  union,
} from '../lib/schema.ts';
import { auditActions } from './audit-actions.ts';
import { withCheckCharacter } from './card-number-check.ts';
import { genders, lifeSituations } from './holder.ts';
import { organisationKinds, roles, sectors } from './roles.ts';
import { contact } from './schemas.ts';

/** A route's answer on success: its body's schema, what it is, and at least one example. */
export interface ResponseOf {
  readonly schema: Schema<unknown>;
  readonly description: string;
  /** Named examples of the body; each must validate against the schema (test/unit/openapi-examples). */
  readonly examples: Readonly<Record<string, unknown>>;
}

const response = <T>(
  schema: Schema<T>,
  description: string,
  examples: Readonly<Record<string, T>>,
): ResponseOf => ({ schema: schema as Schema<unknown>, description, examples });

// Building blocks.
const day = string({ format: 'date', pattern: /^\d{4}-\d{2}-\d{2}$/, description: 'a date YYYY-MM-DD' });
const instant = string({ format: 'date-time', description: 'an ISO 8601 instant' });
const count = integer({ min: 0 });
const id = (description: string) => string({ min: 1, max: 100, description });
const cardNumber = string({
  pattern: /^[0-9A-HJKMNPQRT-Y]{4}-[0-9A-HJKMNPQRT-Y]{4}-[0-9A-HJKMNPQRT-Y]{4}$/,
  description: 'A card number in its canonical form (upper case, groups of four).',
});
const cardType = oneOf(['personal', 'community']);
const cardStatus = oneOf(['active', 'expired', 'revoked']);
const sector = oneOf(sectors);
const role = oneOf(roles);
const nextCursor = optional(
  string({ min: 1, description: 'Absent at the end; pass it as `cursor` for the next page.' }),
);

/** A page of a list: `{items, nextCursor?}` (docs/api.md, "Lists and pagination"). */
const page = <T>(item: Schema<T>) => object({ items: array(item, { max: 500 }), nextCursor });

// Examples share their ids, so that they read as one story.
const exampleCard = withCheckCharacter('7KQ3XW9AM2H');
const newCardNumber = withCheckCharacter('M2HT7KQ3XW9');
const areaId = 'a3f9c1d2e4b5a6978';
const distributorId = 'o1a2b3c4d5e6f7081';
const venueId = 'o9f8e7d6c5b4a3921';
const keyId = 'k0123456789abcdef0123';
const usageId = 'uQ2xY7mN4pL9sT1vW3zK8rB6cD';
const applicationId = 'app5e2c8a9d1f3b7046';

// Cards.
export const card = named(
  'Card',
  object({
    cardNumber,
    cardType,
    status: cardStatus,
    validUntil: day,
    areaId: id("the card's area"),
    issuedBy: id('the distributor that registered it'),
    issuedAt: instant,
    birthYear: optional(integer({ min: 1900, max: 2100 })),
    postalCode: optional(string({ pattern: /^\d{5}$/, description: 'five digits' })),
    minorChildren: optional(integer({ min: 0, max: 20 })),
    gender: optional(oneOf(genders)),
    lifeSituation: optional(oneOf(lifeSituations)),
    useCount: count,
    lastUsedAt: optional(instant),
    replacedBy: optional(cardNumber),
  }),
);

const personalCard = {
  cardNumber: exampleCard,
  cardType: 'personal' as const,
  status: 'active' as const,
  validUntil: '2027-04-30',
  areaId,
  issuedBy: distributorId,
  issuedAt: '2026-05-01T09:12:44.103Z',
  birthYear: 1987,
  postalCode: '02100',
  minorChildren: 2,
  gender: 'female' as const,
  useCount: 3,
  lastUsedAt: '2026-05-20T15:02:10.000Z',
};

/** What a venue or a ticket agent sees of a card: enough to let the holder in. */
export const doorCard = named(
  'DoorCard',
  object({
    cardNumber,
    cardType,
    status: cardStatus,
    validUntil: day,
    minorChildren: integer({
      min: 0,
      max: 20,
      description: 'Children the card admits with the holder (a community card: 10).',
    }),
    todayAtVenue: optional(
      object({
        uses: count,
        limit: integer({ min: 1, max: 100, description: "the venue's limit of uses per card per day" }),
      }),
    ),
  }),
);

const doorCardExample = {
  cardNumber: exampleCard,
  cardType: 'personal' as const,
  status: 'active' as const,
  validUntil: '2027-04-30',
  minorChildren: 2,
};
const { lastUsedAt: _unused, ...neverUsed } = personalCard;

// Uses.
const usageFields = {
  usageId: id('the use'),
  cardNumber,
  venueId: id('the venue it was recorded for'),
  occurredAt: instant,
  sector,
  adults: integer({ min: 0, max: 10 }),
  children: integer({ min: 0, max: 20 }),
};
const listedUsageFields = {
  ...usageFields,
  areaId: id("the venue's area"),
  eventName: optional(string({ max: 200 })),
  voided: boolean(),
};
const recordedUse = {
  usageId,
  cardNumber: exampleCard,
  venueId,
  occurredAt: '2026-05-20T15:02:10.000Z',
  sector: 'culture' as const,
  adults: 1,
  children: 2,
};
const listedUse = { ...recordedUse, areaId, eventName: 'Family concert', voided: false };

/** The contract's error object, as an answer or a batch row carries it. */
export const errorObject = named(
  'ErrorObject',
  object({
    code: oneOf(errorCodes),
    message: string({ description: 'for people; never parse it' }),
    details: optional(
      array(
        object({
          field: string({ description: 'the field, row or header at fault' }),
          problem: string(),
        }),
        { max: 21 },
      ),
    ),
  }),
);

// Onboarding.
const applicationStatus = oneOf(['pending', 'approved', 'rejected']);
const municipalityCodes = array(string({ pattern: /^\d{3}$/ }), { min: 1, max: 60 });
const welfareArea = string({ pattern: /^[A-Z]{2,3}$/, description: 'welfare area id, e.g. LU' });
const application = named(
  'Application',
  object({
    id: id('the application'),
    status: applicationStatus,
    source: optional(
      string({
        pattern: /^[A-Za-z0-9_-]{16}$/,
        description: 'while pending: a keyed hash of the client that sent it, never its address',
      }),
    ),
    areaName: string({ min: 1 }),
    municipalityCodes,
    welfareArea,
    contacts: object({ culture: contact, social: contact }),
    createdAt: instant,
    decidedAt: optional(instant),
    areaId: optional(id('the area made on approval')),
    reason: optional(string({ description: 'why it was rejected' })),
  }),
);
const pendingApplication = {
  id: applicationId,
  status: 'pending' as const,
  source: 'Zk3mQ9xV2bN7cL1p',
  areaName: 'Länsi-Uudenmaan Kaikukortti',
  municipalityCodes: ['049', '235'],
  welfareArea: 'LU',
  contacts: {
    culture: { name: 'Kulttuuri Kontakti', email: 'culture@example.org', phone: '+358 40 123 4567' },
    social: { name: 'Sosiaali Kontakti', email: 'social@example.org' },
  },
  createdAt: '2026-04-02T08:30:00.000Z',
};

// Areas, organisations, keys, audit.
const area = named(
  'Area',
  object({
    id: id('the area'),
    name: string({ min: 1 }),
    municipalityCodes,
    welfareArea,
    status: oneOf(['active', 'inactive']),
    createdAt: instant,
  }),
);
const areaExample = {
  id: areaId,
  name: 'Länsi-Uudenmaan Kaikukortti',
  municipalityCodes: ['049', '235'],
  welfareArea: 'LU',
  status: 'active' as const,
  createdAt: '2026-04-03T10:00:00.000Z',
};
const organisation = named(
  'Organisation',
  object({
    id: id('the organisation'),
    kind: oneOf(organisationKinds),
    name: string({ min: 1 }),
    areaId: optional(id('its area (none for the national centre, ticket agents and partners)')),
    status: oneOf(['active', 'inactive']),
    municipalityCode: optional(string({ pattern: /^\d{3}$/ })),
    contactEmail: optional(string()),
    cardLimitPerDay: optional(integer({ min: 1, max: 100, description: "a venue's uses per card per day" })),
    hiddenFromDirectory: optional(
      boolean({
        description: "a venue's public profile hidden by its area's admin (present only when true)",
      }),
    ),
    createdAt: instant,
  }),
);
const venueExample = {
  id: venueId,
  kind: 'venue' as const,
  name: 'Espoon kulttuurikeskus',
  areaId,
  status: 'active' as const,
  municipalityCode: '049',
  contactEmail: 'desk@example.org',
  cardLimitPerDay: 3,
  createdAt: '2026-04-05T12:00:00.000Z',
};
const listedKey = named(
  'ApiKey',
  object({
    keyId: id('the key'),
    role,
    name: optional(string({ min: 1, max: 100, description: 'what the key is for' })),
    createdAt: instant,
    expiresAt: optional(instant),
    lastUsedAt: optional(instant),
    revokedAt: optional(instant),
  }),
);
const keyExample = {
  keyId,
  role: 'venue' as const,
  name: 'Kassajärjestelmä',
  createdAt: '2026-04-05T12:01:00.000Z',
  expiresAt: '2027-04-05T12:00:00.000Z',
  lastUsedAt: '2026-05-20T15:02:09.000Z',
};

// People.
const personExampleId = '3f1c2a4e-8b7d-4c6a-9e5f-0a1b2c3d4e5f';
const invitedPerson = named(
  'InvitedPerson',
  object({
    personId: id("the person (the identity provider's sub)"),
    email: string({ max: 254 }),
    name: string({ min: 1, max: 200 }),
    status: oneOf(['invited', 'active']),
    manager: boolean(),
  }),
);
const listedPerson = named(
  'Person',
  object({
    personId: id("the person (the identity provider's sub)"),
    email: string({ max: 254 }),
    name: string({ min: 1, max: 200 }),
    status: oneOf(['invited', 'active', 'disabled']),
    manager: boolean(),
    lastSignInAt: optional(instant),
  }),
);
const personExample = {
  personId: personExampleId,
  email: 'maija.meikalainen@espoo.example',
  name: 'Maija Meikäläinen',
  status: 'invited' as const,
  manager: false,
};
// The venue directory.
const localised = (what: string) =>
  object({
    fi: string({ min: 1, max: 1000, description: `${what} in Finnish` }),
    sv: optional(string({ max: 1000, description: `${what} in Swedish` })),
    en: optional(string({ max: 1000, description: `${what} in English` })),
  });
const profileFields = {
  sectors: array(sector, { max: sectors.length }),
  address: optional(string({ max: 200 })),
  postalCode: optional(string({ pattern: /^\d{5}$/ })),
  website: optional(string({ format: 'uri', description: 'an https address' })),
  accessibility: optional(localised('Accessibility')),
};
const publicVenue = named(
  'PublicVenue',
  object({
    venueId: id('the venue'),
    name: string({ min: 1 }),
    municipalityCode: string({ pattern: /^\d{3}$/ }),
    areaId: id("the venue's area"),
    offer: localised('What the card holder gets'),
    ...profileFields,
  }),
);
const publicVenueExample = {
  venueId,
  name: 'Espoon kulttuurikeskus',
  municipalityCode: '049',
  areaId,
  sectors: ['culture' as const],
  offer: {
    fi: 'Vapaa pääsy näyttelyihin ja konsertteihin, lapset mukaan.',
    sv: 'Fritt inträde till utställningar och konserter, barn med.',
  },
  address: 'Kulttuuriaukio 2',
  postalCode: '02100',
  website: 'https://example.org/kulttuurikeskus',
  accessibility: { fi: 'Esteetön sisäänkäynti pääovelta.' },
};
const venueProfile = named(
  'VenueProfile',
  object({
    venueId: id('the venue'),
    name: string({ min: 1 }),
    municipalityCode: optional(string({ pattern: /^\d{3}$/ })),
    areaId: optional(id("the venue's area")),
    published: boolean({ description: 'the venue wants it listed' }),
    hiddenByArea: boolean({
      description: "hidden by the area's admin: not listed, whatever `published` says",
    }),
    listed: boolean({
      description: 'the public directory lists it now (published, not hidden, venue active)',
    }),
    offer: optional(localised('What the card holder gets')),
    ...profileFields,
    updatedAt: optional(instant),
  }),
);
const { areaId: _area, municipalityCode: _muni, ...publicFields } = publicVenueExample;

// Statistics.
const sectorUses = object({ adultUses: count, childUses: count });
export const figures = named(
  'Figures',
  object({
    cardsRegistered: count,
    cardsActive: count,
    cardsTakenIntoUse: count,
    uses: count,
    adultUses: count,
    childUses: count,
    bySector: object(
      Object.fromEntries(sectors.map((name) => [name, sectorUses])) as Record<
        (typeof sectors)[number],
        typeof sectorUses
      >,
    ),
    municipalities: count,
  }),
);
const snapshotFile = object({
  name: string({ description: "relative to the snapshot's folder, e.g. partner/national.json" }),
  bytes: count,
  sha256: string({ pattern: /^[0-9a-f]{64}$/ }),
  rows: count,
  firstPublished: optional(day),
  url: string({ format: 'uri', description: 'a presigned link, valid 15 minutes' }),
});

export const responses = {
  health: response(object({ status: oneOf(['ok']) }), 'The service reaches its table.', {
    ok: { status: 'ok' },
  }),
  openapi: response(jsonObject('An OpenAPI 3.1 document.'), 'This document.', {
    start: { openapi: '3.1.0', info: { title: 'Kaikukortti national register', version: '1.0.0' } },
  }),
  municipalities: response(
    object({
      items: array(
        named(
          'Municipality',
          object({
            code: string({ pattern: /^\d{3}$/, description: 'the official three-digit code' }),
            nameFi: string({ min: 1 }),
            nameSv: string({ min: 1 }),
            welfareArea,
            areaId: optional(id('the area it has joined')),
          }),
        ),
        { max: 1000 },
      ),
    }),
    'Every municipality, in order of code.',
    {
      some: {
        items: [
          { code: '049', nameFi: 'Espoo', nameSv: 'Esbo', welfareArea: 'LU', areaId },
          { code: '091', nameFi: 'Helsinki', nameSv: 'Helsingfors', welfareArea: 'HEL' },
        ],
      },
    },
  ),
  me: response(
    union<unknown>(
      named(
        'MePerson',
        object({
          kind: oneOf(['person']),
          personId: id("the person (the identity provider's sub)"),
          name: string({ min: 1, max: 200 }),
          email: string({ max: 254 }),
          memberships: array(
            object({
              orgId: id('the organisation'),
              orgName: string({ max: 200 }),
              role,
              areaId: optional(id("the organisation's area")),
              manager: boolean(),
            }),
            { max: 500 },
          ),
        }),
      ),
      named(
        'MeKey',
        object({
          kind: oneOf(['key']),
          keyId: id('the key'),
          name: optional(string({ min: 1, max: 100 })),
          orgId: id('its organisation'),
          orgName: string({ max: 200 }),
          role,
          areaId: optional(id("the organisation's area")),
        }),
      ),
    ),
    'Who is signed in: a person with their memberships, or a machine key.',
    {
      person: {
        kind: 'person',
        personId: personExampleId,
        name: 'Maija Meikäläinen',
        email: 'maija.meikalainen@espoo.example',
        memberships: [
          { orgId: venueId, orgName: 'Espoon kulttuurikeskus', role: 'venue', areaId, manager: true },
        ],
      },
      venue: {
        kind: 'key',
        keyId,
        name: 'Kassajärjestelmä',
        orgId: venueId,
        orgName: 'Espoon kulttuurikeskus',
        role: 'venue',
        areaId,
      },
    },
  ),
  authConfig: response(
    named(
      'AuthConfig',
      object({
        issuer: string({ max: 500, description: 'the OpenID Connect issuer people sign in with' }),
        clientId: string({ max: 200, description: "the web app's client id (public: no secret)" }),
        scopes: array(string({ max: 100 }), { max: 20 }),
      }),
    ),
    'The OpenID Connect provider that people sign in with.',
    {
      cognito: {
        issuer: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_AbCdEfGhI',
        clientId: '1example23456789abcdefghij',
        scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      },
    },
  ),
  invitedPerson: response(invitedPerson, 'The person, invited (or the membership added to a known person).', {
    invited: personExample,
  }),
  people: response(page(listedPerson), "The organisation's people.", {
    people: { items: [{ ...personExample, status: 'active', lastSignInAt: '2026-05-20T06:58:00.000Z' }] },
  }),
  removedPerson: response(
    object({ personId: id('the person'), orgId: id('the organisation'), removed: boolean() }),
    "The membership is gone; the person's next request for that organisation is refused.",
    { removed: { personId: personExampleId, orgId: venueId, removed: true } },
  ),
  personStatus: response(
    named(
      'PersonStatus',
      object({
        personId: id("the person (the identity provider's sub)"),
        email: string({ max: 254 }),
        name: string({ min: 1, max: 200 }),
        status: oneOf(['invited', 'active', 'disabled']),
      }),
    ),
    'The person with their new status: disabled people are refused at their next request, and signed out everywhere.',
    {
      disabled: {
        personId: personExampleId,
        email: personExample.email,
        name: personExample.name,
        status: 'disabled',
      },
    },
  ),
  secondFactor: response(
    object({ secondFactor: optional(oneOf(['totp', 'passkey'])) }),
    'The second factor the identity provider confirms for the person (absent: none).',
    { totp: { secondFactor: 'totp' } },
  ),

  card: response(card, 'The card.', { personal: personalCard }),
  cardAsSeen: response(
    union<unknown>(card, doorCard),
    "The whole card for its area's distributors; the door view for venues and ticket agents.",
    {
      distributor: personalCard,
      venue: doorCardExample,
      limitedVenue: { ...doorCardExample, todayAtVenue: { uses: 1, limit: 2 } },
    },
  ),
  replacement: response(card, 'The new card; the old one is revoked and points to it.', {
    replacement: { ...neverUsed, cardNumber: newCardNumber, useCount: 0 },
  }),
  flags: response(
    page(
      named(
        'Flag',
        object({
          cardNumber,
          date: day,
          reason: oneOf(['many-uses', 'many-areas']),
          uses: count,
          areas: count,
        }),
      ),
    ),
    'Abnormal use, newest day first.',
    {
      flags: {
        items: [{ cardNumber: exampleCard, date: '2026-05-20', reason: 'many-uses', uses: 7, areas: 1 }],
      },
    },
  ),

  issuedCards: response(
    page(
      named(
        'IssuedCard',
        object({
          cardNumber,
          cardType,
          status: cardStatus,
          validUntil: day,
          issuedOn: day,
          birthYear: optional(integer({ min: 1900, max: 2100 })),
          revokedOn: optional(day),
          revokeReason: optional(oneOf(['lost', 'misuse', 'other', 'replaced'])),
        }),
      ),
    ),
    "The cards the caller's organisation issued with the status asked for: valid ones expiring soonest first, expired and revoked ones most recent first. Of the holder only the birth year.",
    {
      active: {
        items: [
          {
            cardNumber: exampleCard,
            cardType: 'personal',
            status: 'active',
            validUntil: '2027-04-30',
            issuedOn: '2026-05-01',
            birthYear: 1987,
          },
        ],
      },
    },
  ),

  usage: response(named('Usage', object(usageFields)), 'The use (201; 200 when it repeats an earlier one).', {
    recorded: recordedUse,
  }),
  batch: response(
    object({
      results: array(
        named(
          'BatchRowResult',
          object({
            clientRef: nullable(string({ description: "the row's clientRef (null when it had none)" })),
            status: oneOf(['created', 'replayed', 'failed']),
            usageId: optional(id('the use, when the row was recorded')),
            error: optional(errorObject),
          }),
        ),
        { max: 500 },
      ),
    }),
    'One result per row, in the order of the rows.',
    {
      mixed: {
        results: [
          { clientRef: 'form-1', status: 'created', usageId },
          {
            clientRef: 'form-2',
            status: 'failed',
            error: { code: 'CARD_REVOKED', message: `Card ${exampleCard} is revoked.` },
          },
        ],
      },
    },
  ),
  voidedUsage: response(
    named('VoidedUsage', object({ ...listedUsageFields, voidedAt: instant })),
    'The use, voided.',
    { voided: { ...listedUse, voided: true, voidedAt: '2026-05-20T15:10:00.000Z' } },
  ),
  usages: response(page(named('ListedUsage', object(listedUsageFields))), 'Recorded uses, oldest first.', {
    page: { items: [listedUse], nextCursor: 'eyJwayI6InVzYWdlIn0' },
  }),

  submittedApplication: response(
    object({
      id: id('the application'),
      status: oneOf(['pending']),
      claimToken: string({ description: 'send it as X-Claim-Token to see the status; shown only here' }),
    }),
    'The application waits for the national centre.',
    { submitted: { id: applicationId, status: 'pending', claimToken: 'ct.3q2-ExampleClaimToken-Zx9' } },
  ),
  applicationState: response(
    named(
      'ApplicationState',
      object({
        id: id('the application'),
        status: applicationStatus,
        areaId: optional(id('the area made on approval')),
        reason: optional(string({ description: 'why it was rejected' })),
        apiKey: optional(
          string({ description: 'the area-admin key: in the first answer after approval only' }),
        ),
      }),
    ),
    "The application's status.",
    {
      pending: { id: applicationId, status: 'pending' },
      approved: { id: applicationId, status: 'approved', areaId, apiKey: `kk.${keyId}.ExampleSecret` },
    },
  ),
  applications: response(page(application), 'Applications of the status asked for, oldest first.', {
    pending: { items: [pendingApplication] },
  }),
  approved: response(object({ areaId: id('the new area') }), 'The area exists, with its first key.', {
    approved: { areaId },
  }),
  rejected: response(application, 'The application, rejected.', {
    rejected: (({ source: _source, ...rest }) => ({
      ...rest,
      status: 'rejected' as const,
      decidedAt: '2026-04-03T09:00:00.000Z',
      reason: 'The municipalities applied already with another application.',
    }))(pendingApplication),
  }),
  rejectedAtOnce: response(
    object({
      rejected: array(id('an application'), { max: 1000 }),
      skipped: array(object({ id: id('an application'), reason: oneOf(['not found', 'already decided']) }), {
        max: 1000,
      }),
    }),
    'Which applications were rejected, and which were not and why.',
    { done: { rejected: [applicationId], skipped: [{ id: 'app0000000000000000', reason: 'not found' }] } },
  ),

  areas: response(page(area), 'Areas.', { areas: { items: [areaExample] } }),
  area: response(area, 'The area.', { area: areaExample }),
  organisation: response(organisation, 'The organisation.', { venue: venueExample }),
  nationalOrganisation: response(organisation, 'The national organisation.', {
    partner: {
      id: 'o5a4b3c2d1e0f9a8b',
      kind: 'partner',
      name: 'Tilastokeskus',
      status: 'active',
      contactEmail: 'stats@example.org',
      createdAt: '2026-04-01T08:00:00.000Z',
    },
  }),
  organisations: response(page(organisation), "The area's organisations.", {
    organisations: { items: [venueExample] },
  }),
  newKey: response(
    object({
      keyId: id('the key'),
      apiKey: string({ description: 'the secret: shown in this answer only' }),
      role,
      name: optional(string({ min: 1, max: 100 })),
      expiresAt: optional(instant),
    }),
    'The new key, with its secret.',
    {
      venue: {
        keyId,
        apiKey: `kk.${keyId}.ExampleSecret`,
        role: 'venue',
        name: 'Kassajärjestelmä',
        expiresAt: '2027-04-05T12:00:00.000Z',
      },
    },
  ),
  keys: response(page(listedKey), "The organisation's keys, never a secret.", {
    keys: { items: [keyExample] },
  }),
  revokedKey: response(listedKey, 'The key, revoked (revoking it again answers the same).', {
    revoked: { ...keyExample, revokedAt: '2026-05-21T07:00:00.000Z' },
  }),
  audit: response(
    page(
      named(
        'AuditEntry',
        object({
          at: instant,
          actor: object({
            kind: oneOf(['person', 'key']),
            personId: optional(id('the person who acted')),
            name: optional(string({ max: 200, description: "the person's name when they acted" })),
            keyId: optional(id('the machine key that acted')),
            orgId: id('for which organisation'),
            role,
          }),
          action: oneOf(auditActions),
          target: string({ description: 'what, e.g. organisation/<id>, card/<number>' }),
          areaId: optional(id('the area it concerns')),
        }),
      ),
    ),
    'Administrative actions, newest first.',
    {
      audit: {
        items: [
          {
            at: '2026-05-21T07:00:00.000Z',
            actor: {
              kind: 'person',
              personId: personExampleId,
              name: 'Maija Meikäläinen',
              orgId: 'o7a6b5c4d3e2f1a0b',
              role: 'area-admin',
            },
            action: 'key.revoked',
            target: `key/${keyId}`,
            areaId,
          },
        ],
      },
    },
  ),

  summary: response(figures, 'Live figures.', {
    year: {
      cardsRegistered: 120,
      cardsActive: 112,
      cardsTakenIntoUse: 87,
      uses: 640,
      adultUses: 410,
      childUses: 230,
      bySector: {
        culture: { adultUses: 300, childUses: 150 },
        education: { adultUses: 20, childUses: 10 },
        science: { adultUses: 40, childUses: 30 },
        sport: { adultUses: 50, childUses: 40 },
      },
      municipalities: 2,
    },
  }),
  snapshots: response(
    page(named('SnapshotListed', object({ date: day, createdAt: instant }))),
    'Snapshots, newest day first.',
    { snapshots: { items: [{ date: '2026-05-20', createdAt: '2026-05-21T02:30:41.000Z' }] } },
  ),
  snapshot: response(
    named(
      'SnapshotManifest',
      object({
        date: day,
        generatedAt: instant,
        schemaVersion: integer({ min: 1 }),
        source: jsonObject('what the figures were computed from; a partner sees `asOf` only'),
        files: array(snapshotFile, { max: 1000 }),
        urlsExpireAt: instant,
      }),
    ),
    "The snapshot's manifest, with a link to each file.",
    {
      partner: {
        date: '2026-05-20',
        generatedAt: '2026-05-21T02:30:40.000Z',
        schemaVersion: 1,
        source: { asOf: '2026-05-20 (days are Europe/Helsinki days)' },
        files: [
          {
            name: 'partner/national.json',
            bytes: 2048,
            sha256: 'a'.repeat(64),
            rows: 4,
            url: 'https://stats.example.org/snapshots/2026-05-20/partner/national.json?X-Amz-Expires=900',
          },
        ],
        urlsExpireAt: '2026-05-21T07:15:00.000Z',
      },
    },
  ),
  snapshotRequested: response(
    union<unknown>(
      object({ date: day, status: oneOf(['queued']) }),
      object({ date: day, status: oneOf(['written']), createdAt: instant }),
    ),
    'In AWS the snapshot is queued; the local service writes it before answering.',
    {
      queued: { date: '2026-05-20', status: 'queued' },
      written: { date: '2026-05-20', status: 'written', createdAt: '2026-05-21T07:00:02.000Z' },
    },
  ),
  venueProfile: response(venueProfile, "The venue's public profile, and whether the directory lists it.", {
    listed: {
      ...publicFields,
      municipalityCode: '049',
      areaId,
      published: true,
      hiddenByArea: false,
      listed: true,
      updatedAt: '2026-05-20T09:30:00.000Z',
    },
    none: {
      venueId,
      name: 'Espoon kulttuurikeskus',
      municipalityCode: '049',
      areaId,
      published: false,
      hiddenByArea: false,
      listed: false,
      sectors: [],
    },
  }),
  venues: response(page(publicVenue), 'Published venues of active areas, by name.', {
    venues: { items: [publicVenueExample], nextCursor: 'eyJrZXkiOnsiYWZ0ZXIiOiJlc3Bvb24ifX0' },
  }),
} as const satisfies Record<string, ResponseOf>;
