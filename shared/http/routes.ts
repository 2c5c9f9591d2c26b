// The route table, declared once: API Gateway routes and functions (infra/api-stack.ts), the local
// gateway (infra/local/gateway.ts), the role check in every handler and openapi.json all read it.

import { type ResponseOf, responses as r } from '../contract/response-schemas.ts';
import type { Role } from '../contract/roles.ts';
import type { AnySchema } from '../contract/schemas.ts';
import * as schemas from '../contract/schemas.ts';
import type { ErrorCode } from '../lib/errors.ts';
import { keysOfOrganisation } from '../store/keys.ts';
import type { SecretPurpose } from '../store/secrets.ts';
import { mergeGrants, partitions, type TableGrant } from './access.ts';

/** The Cognito operations a function may call on the user pool (IAM actions cognito-idp:<operation>). */
export type DirectoryAction =
  | 'AdminCreateUser'
  | 'AdminGetUser'
  | 'AdminDisableUser'
  | 'AdminEnableUser'
  | 'AdminUserGlobalSignOut';

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** The handler file, relative to the project root; it exports `handler`. */
  readonly handler: string;
  /** 'public' routes take no key; the others go through the authorizer and this role check. */
  readonly roles: readonly Role[] | 'public';
  readonly summary: string;
  /** The status of success when it is not 200 (201 created, 202 accepted). */
  readonly success?: 201 | 202;
  readonly body?: AnySchema;
  readonly query?: AnySchema;
  /** What the route answers on success: its body's schema and examples (shared/contract/response-schemas.ts). */
  readonly response: ResponseOf;
  /**
   * The error codes this route answers beyond those openapi.ts gives every route of its kind (400
   * VALIDATION_FAILED, 401 and 403 with a key, 404 with a path parameter, 429, 500, 503 with storage).
   */
  readonly errors?: readonly ErrorCode[];
  /** Requests per second (and burst) for this route, on top of the API's default. */
  readonly throttle?: { readonly rate: number; readonly burst: number };
  /** Memory and timeout above the defaults, for routes that do more work per request. */
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /** The largest body the route reads (default defaultMaxBodyBytes); anything larger is refused unread. */
  readonly maxBodyBytes?: number;
  /**
   * What the function reaches besides the table: the statistics bucket (to read snapshots and presign
   * links to them) or the snapshot function (to invoke it). The API stack grants these and sets the
   * environment (STATS_BUCKET, SNAPSHOT_FUNCTION_NAME).
   */
  readonly resources?: readonly ('statisticsBucket' | 'snapshotFunction')[];
  /**
   * What the function may do to the table: per DynamoDB action, the partition keys it may name. CDK grants
   * exactly this, with dynamodb:LeadingKeys conditions; the local runtime enforces the resulting role.
   */
  readonly table: TableGrant;
  /** The answer carries a secret (an API key, a claim token): sent with Cache-Control: no-store. */
  readonly secretInReply?: true;
  /**
   * What the function may ask of the identity provider's directory (Cognito's admin API on the user pool,
   * shared/identity/directory.ts). CDK grants exactly these actions on the pool and sets IDP_USER_POOL_ID.
   */
  readonly directory?: readonly DirectoryAction[];
  /**
   * false for routes a person calls as themselves, for no organisation (GET /v1/me): no membership is
   * chosen, no second factor asked, and any signed-in caller may use them.
   */
  readonly actsForOrganisation?: false;
  /**
   * The secrets (Secrets Manager, shared/store/secrets.ts) the function reads besides the origin secret every
   * API function checks. CDK grants read on exactly these and sets their ARNs in the environment.
   */
  readonly secrets?: readonly Exclude<SecretPurpose, 'originVerify'>[];
  /**
   * The function sends e-mail itself (SES, shared/mail/send-mail.ts): CDK grants ses:SendEmail on the
   * stage's sender identity and sets MAIL_FROM and WEB_APP_URL.
   */
  readonly mail?: true;
}

const p = partitions;
/** Routes any signed-in caller may reach; the handler decides from the organisation (people's managers). */
const everyRole = ['admin', 'area-admin', 'distributor', 'venue', 'ticket-agent', 'partner'] as const;
/** gsi1 lists an organisation's keys under the organisation's own partition key value. */
const keysOfOrganisationIndex = keysOfOrganisation('*');
/**
 * Recording a use: a read of the venue (active?), then one transaction: the use (its own idempotency
 * record), the card's count and day tallies, and the venue's daily limit per card.
 */
const recordingUses: TableGrant = {
  GetItem: [p.organisation],
  PutItem: [p.usage],
  UpdateItem: [p.card, p.venueCardDay],
};

export const routes = [
  {
    method: 'GET',
    path: '/v1/health',
    handler: 'functions/health.ts',
    table: { GetItem: [p.health] },
    roles: 'public',
    summary: 'The service can reach its table.',
    response: r.health,
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    handler: 'functions/openapi.ts',
    table: {},
    roles: 'public',
    summary: 'This OpenAPI 3.1 document.',
    response: r.openapi,
  },
  {
    method: 'GET',
    path: '/v1/municipalities',
    handler: 'functions/municipalities/list-municipalities.ts',
    table: { BatchGetItem: [p.municipality] },
    roles: 'public',
    summary:
      'Every municipality, for application forms: {items: [{code, nameFi, nameSv, welfareArea, areaId?}]}; `areaId` once it has joined an area.',
    throttle: { rate: 5, burst: 20 },
    response: r.municipalities,
  },
  {
    method: 'GET',
    path: '/v1/auth/config',
    handler: 'functions/auth/get-config.ts',
    table: {},
    roles: 'public',
    summary: 'The OpenID Connect provider people sign in with: {issuer, clientId, scopes}.',
    throttle: { rate: 20, burst: 50 },
    response: r.authConfig,
  },
  {
    method: 'GET',
    path: '/v1/venues',
    handler: 'functions/venues/list-venues.ts',
    // One partition of the precomputed directory, and the areas (to leave out an inactive area's venues).
    table: { Query: [p.directory, p.allAreas] },
    roles: 'public',
    summary:
      'Where the card works: published venues of active areas, by name, filtered by municipality and sector, with a text search. Cacheable (Cache-Control: public, max-age=300).',
    query: schemas.listVenuesQuery,
    throttle: { rate: 20, burst: 50 },
    response: r.venues,
    // `q` is free text: an identity code in it is refused as such, never searched for.
    errors: ['PERSONAL_DATA_NOT_ALLOWED'],
  },
  {
    method: 'GET',
    path: '/v1/me',
    handler: 'functions/me.ts',
    table: { BatchGetItem: [p.organisation] },
    roles: everyRole,
    actsForOrganisation: false,
    summary:
      "Who is signed in: a person with every membership (the organisation to name in X-Kaiku-Organisation, its role, whether they manage its people), or a machine key with its organisation. The web app finds the person's organisations with it.",
    response: r.me,
  },
  {
    method: 'POST',
    path: '/v1/me/second-factor',
    handler: 'functions/people/record-second-factor.ts',
    table: { UpdateItem: [p.person] },
    roles: everyRole,
    actsForOrganisation: false,
    summary:
      "A person's second factor, as the identity provider confirms it with the person's own access token (TOTP among their MFA settings, or a registered passkey): recorded, and needed to act for an admin or area-admin organisation. The web app calls it after setting up a factor and after each sign-in.",
    body: schemas.emptyBody,
    response: r.secondFactor,
  },
  {
    method: 'POST',
    path: '/v1/cards',
    handler: 'functions/cards/issue-card.ts',
    table: { PutItem: [p.card], UpdateItem: [p.aggregates] },
    success: 201,
    roles: ['distributor'],
    summary: 'Register a card for a client.',
    body: schemas.issueCard,
    response: r.card,
    errors: ['CARD_NUMBER_TAKEN'],
  },
  {
    method: 'GET',
    path: '/v1/cards/{cardNumber}',
    handler: 'functions/cards/get-card.ts',
    // A venue with a daily limit also reads its count of the card's uses today (and a person at the desk
    // the venue's limit, which a key has in its authorizer context).
    table: { GetItem: [p.card, p.venueCardDay, p.organisation] },
    roles: ['distributor', 'venue', 'ticket-agent'],
    summary:
      "A card: the whole card for its area's distributors, a short form for venues and agents (a venue with a daily limit per card also sees the card's uses of it today).",
    response: r.cardAsSeen,
  },
  {
    method: 'PATCH',
    path: '/v1/cards/{cardNumber}',
    handler: 'functions/cards/update-card.ts',
    table: { GetItem: [p.card], UpdateItem: [p.card] },
    roles: ['distributor'],
    summary: "Correct a card's holder data.",
    body: schemas.updateCard,
    response: r.card,
    errors: ['CARD_REVOKED', 'CONFLICT'],
  },
  {
    method: 'POST',
    path: '/v1/cards/{cardNumber}/renew',
    handler: 'functions/cards/renew-card.ts',
    table: { GetItem: [p.card], UpdateItem: [p.card, p.aggregates] },
    roles: ['distributor'],
    summary: 'Renew a card for 12 months from today.',
    body: schemas.emptyBody,
    response: r.card,
    errors: ['CARD_REVOKED', 'CONFLICT'],
  },
  {
    method: 'POST',
    path: '/v1/cards/{cardNumber}/revoke',
    handler: 'functions/cards/revoke-card.ts',
    table: { GetItem: [p.card], UpdateItem: [p.card, p.aggregates], PutItem: [p.audit] },
    roles: ['distributor'],
    summary: 'Revoke a card.',
    body: schemas.revokeCard,
    response: r.card,
    errors: ['CARD_REVOKED', 'CONFLICT'],
  },
  {
    method: 'POST',
    path: '/v1/cards/{cardNumber}/replace',
    handler: 'functions/cards/replace-card.ts',
    table: { GetItem: [p.card], PutItem: [p.card, p.audit], UpdateItem: [p.card, p.aggregates] },
    success: 201,
    roles: ['distributor'],
    summary: 'Replace a lost card: a new card with the same data; the old one is revoked.',
    body: schemas.replaceCard,
    response: r.replacement,
    errors: ['CARD_NUMBER_TAKEN', 'CONFLICT', 'CARD_EXPIRED', 'CARD_REVOKED'],
  },
  {
    method: 'GET',
    path: '/v1/cards',
    handler: 'functions/cards/list-issued-cards.ts',
    table: { Query: [p.cardsIssuedBy] },
    roles: ['distributor'],
    summary:
      "The cards the caller's own organisation issued, one status at a time so that renewals can be planned and a lost card found: `active` (default; valid today, expiring soonest first), `expired` (most recently expired first) or `revoked` (most recently revoked first). Of the holder only the birth year; the whole card is GET /v1/cards/{cardNumber}. Reads one page of an index by issuer and validity, never the area's cards.",
    query: schemas.listIssuedCardsQuery,
    response: r.issuedCards,
  },
  {
    method: 'GET',
    path: '/v1/cards/flags',
    handler: 'functions/cards/list-flags.ts',
    table: { Query: [p.flagsOfMonth, p.flagsOfArea] },
    roles: ['admin', 'area-admin'],
    summary:
      'Abnormal use of a card, without personal data: {items: [{cardNumber, date, reason, uses, areas}]}. `many-uses`: more recorded uses in one day than the configured limit (default 5); `many-areas`: uses in more than two areas in one day. Days `from` (default 30 days before `to`) to `to` (default today). Admin: all; area-admin: the cards of its own area. Kept from the table stream seconds after each use; never blocks recording.',
    query: schemas.listFlagsQuery,
    response: r.flags,
  },
  {
    method: 'POST',
    path: '/v1/usages',
    handler: 'functions/usages/record-usage.ts',
    table: recordingUses,
    success: 201,
    roles: ['venue', 'ticket-agent'],
    summary: 'Record one use of a card (header Idempotency-Key required).',
    body: schemas.recordUsage,
    throttle: { rate: 500, burst: 1000 },
    response: r.usage,
    errors: [
      'PERSONAL_DATA_NOT_ALLOWED',
      'NOT_FOUND',
      'CONFLICT',
      'CARD_EXPIRED',
      'CARD_REVOKED',
      'TOO_MANY_CHILDREN',
      'VENUE_LIMIT_REACHED',
      'IDEMPOTENCY_KEY_REUSED',
      'ORGANISATION_INACTIVE',
    ],
  },
  {
    method: 'POST',
    path: '/v1/usages/batch',
    handler: 'functions/usages/record-usage-batch.ts',
    table: recordingUses,
    roles: ['venue', 'ticket-agent'],
    summary: 'Record up to 500 uses at once, as JSON or text/csv; each row succeeds or fails alone.',
    body: schemas.batchUsages,
    throttle: { rate: 20, burst: 40 },
    // 500 rows of a few hundred bytes each, with room to spare.
    maxBodyBytes: 1024 * 1024,
    memoryMb: 1024,
    timeoutSeconds: 29,
    response: r.batch,
  },
  {
    method: 'DELETE',
    path: '/v1/usages/{usageId}',
    handler: 'functions/usages/void-usage.ts',
    table: { GetItem: [p.usage], UpdateItem: [p.usage, p.card, p.venueCardDay], PutItem: [p.audit] },
    roles: ['venue'],
    summary: 'Void a use recorded by this venue within the last 14 days.',
    response: r.voidedUsage,
    errors: ['CONFLICT'],
  },
  {
    method: 'GET',
    path: '/v1/usages',
    handler: 'functions/usages/list-usages.ts',
    table: { Query: [p.usagesOfArea, p.usagesOfVenue, p.allAreas], BatchGetItem: [p.usage] },
    roles: ['venue', 'area-admin', 'admin'],
    summary: 'Recorded uses, as JSON or CSV.',
    query: schemas.listUsagesQuery,
    response: r.usages,
  },
  {
    method: 'POST',
    path: '/v1/applications',
    handler: 'functions/onboarding/submit-application.ts',
    secretInReply: true,
    // The client's place among its waiting applications (at most 3) and a check that no municipality is
    // in an area yet; the key of its source's hash is a secret of its own (Secrets Manager).
    table: {
      PutItem: [p.application],
      UpdateItem: [p.applicationSource],
      ConditionCheckItem: [p.municipality],
    },
    secrets: ['applicationSource'],
    success: 201,
    roles: 'public',
    summary:
      'A municipality (or several, with their welfare area) applies to join; answers a claim token. One client (address; an IPv6 /64) has at most 3 applications waiting: a 4th is 409 CONFLICT.',
    body: schemas.submitApplication,
    throttle: { rate: 1, burst: 5 },
    response: r.submittedApplication,
    errors: ['PERSONAL_DATA_NOT_ALLOWED', 'CONFLICT', 'MUNICIPALITY_ALREADY_IN_AREA'],
  },
  {
    method: 'GET',
    path: '/v1/applications/{id}',
    handler: 'functions/onboarding/get-application.ts',
    secretInReply: true,
    table: { GetItem: [p.application], UpdateItem: [p.application, p.apiKey] },
    roles: 'public',
    summary:
      "The application's status for the holder of its X-Claim-Token; the area-admin key once, after approval.",
    throttle: { rate: 5, burst: 20 },
    response: r.applicationState,
  },
  {
    method: 'GET',
    path: '/v1/applications',
    handler: 'functions/onboarding/list-applications.ts',
    table: { Query: [p.applicationsWithStatus] },
    roles: ['admin'],
    summary:
      'Applications by status (default pending). A pending one has `source`: a keyed hash of the client that sent it, the same for applications of the same client (never its address).',
    query: schemas.listApplicationsQuery,
    response: r.applications,
  },
  {
    method: 'POST',
    path: '/v1/applications/{id}/approve',
    handler: 'functions/onboarding/approve-application.ts',
    table: {
      GetItem: [p.application],
      PutItem: [p.area, p.municipality, p.organisation, p.apiKey, p.audit, p.person],
      UpdateItem: [p.application, p.applicationSource, p.person],
      Query: [p.person],
    },
    directory: ['AdminCreateUser', 'AdminGetUser'],
    mail: true,
    // Two invitations and two decision e-mails after the transaction, each bounded: more than the default.
    timeoutSeconds: 20,
    roles: ['admin'],
    summary:
      "Approve: creates the area, claims its municipalities, makes its first area-admin key, invites both contact persons as the area's admins, and e-mails them the decision (in the application's language; never the claim token or the key).",
    body: schemas.emptyBody,
    response: r.approved,
    errors: ['CONFLICT', 'MUNICIPALITY_ALREADY_IN_AREA'],
  },
  {
    method: 'POST',
    path: '/v1/applications/{id}/reject',
    handler: 'functions/onboarding/reject-application.ts',
    table: { GetItem: [p.application], UpdateItem: [p.application, p.applicationSource], PutItem: [p.audit] },
    mail: true,
    // The decision e-mail after the transaction, bounded (shared/use-cases/send-decision-mail.ts): more than the default.
    timeoutSeconds: 15,
    roles: ['admin'],
    summary:
      "Reject with a reason the applicant sees on the status page and in the decision e-mail to the application's contacts.",
    body: schemas.rejectApplication,
    response: r.rejected,
    errors: ['PERSONAL_DATA_NOT_ALLOWED', 'CONFLICT'],
  },
  {
    method: 'POST',
    path: '/v1/applications/reject-pending',
    handler: 'functions/onboarding/reject-pending-applications.ts',
    table: {
      GetItem: [p.application, p.applicationSource],
      UpdateItem: [p.application, p.applicationSource],
      PutItem: [p.audit],
    },
    roles: ['admin'],
    summary:
      'Reject at once, with one reason, every waiting application of one `source` or the `ids` listed (1-100; exactly one of the two), each with its own audit entry: {rejected: [ids], skipped: [{id, reason: "not found"/"already decided"}]}. Safe to repeat.',
    body: schemas.rejectPendingApplications,
    timeoutSeconds: 29,
    response: r.rejectedAtOnce,
    errors: ['PERSONAL_DATA_NOT_ALLOWED'],
  },
  {
    method: 'GET',
    path: '/v1/areas',
    handler: 'functions/areas/list-areas.ts',
    table: { GetItem: [p.area], Query: [p.allAreas] },
    roles: ['admin', 'area-admin'],
    summary: 'Areas: all for the national centre, its own for an area-admin.',
    query: schemas.pageQuery,
    response: r.areas,
  },
  {
    method: 'GET',
    path: '/v1/areas/{areaId}',
    handler: 'functions/areas/get-area.ts',
    table: { GetItem: [p.area] },
    roles: ['admin', 'area-admin'],
    summary: 'One area.',
    response: r.area,
  },
  {
    method: 'POST',
    path: '/v1/areas/{areaId}/organisations',
    handler: 'functions/organisations/create-organisation.ts',
    table: { GetItem: [p.area], PutItem: [p.organisation, p.audit] },
    success: 201,
    roles: ['admin', 'area-admin'],
    summary: 'Add a distributor or a venue to an area.',
    body: schemas.createOrganisation,
    response: r.organisation,
    errors: ['PERSONAL_DATA_NOT_ALLOWED'],
  },
  {
    method: 'GET',
    path: '/v1/areas/{areaId}/organisations',
    handler: 'functions/organisations/list-organisations.ts',
    table: { Query: [p.organisationsOfArea] },
    roles: ['admin', 'area-admin'],
    summary: "An area's organisations.",
    query: schemas.pageQuery,
    response: r.organisations,
  },
  {
    method: 'PATCH',
    path: '/v1/organisations/{orgId}',
    handler: 'functions/organisations/update-organisation.ts',
    // A venue's directory entries follow its name, status and hiding, guarded by its profile as read.
    table: {
      GetItem: [p.organisation],
      UpdateItem: [p.organisation],
      PutItem: [p.directory, p.audit],
      ConditionCheckItem: [p.organisation],
    },
    roles: ['admin', 'area-admin'],
    summary:
      "Rename, deactivate or reactivate an organisation, change a venue's daily limit per card, or hide a venue's public profile. An organisation's own key or people never change its status (403).",
    body: schemas.updateOrganisation,
    response: r.organisation,
    errors: ['PERSONAL_DATA_NOT_ALLOWED', 'CONFLICT'],
  },
  {
    method: 'GET',
    path: '/v1/organisations/{orgId}/profile',
    handler: 'functions/organisations/get-profile.ts',
    table: { GetItem: [p.organisation] },
    roles: ['venue', 'area-admin', 'admin'],
    summary:
      "A venue's public profile, as the venue and its area see it, and whether the directory lists it.",
    response: r.venueProfile,
  },
  {
    method: 'PUT',
    path: '/v1/organisations/{orgId}/profile',
    handler: 'functions/organisations/put-profile.ts',
    // The profile beside its organisation, the directory entries it is listed by, and the audit entry.
    table: {
      GetItem: [p.organisation],
      PutItem: [p.organisation, p.directory, p.audit],
      ConditionCheckItem: [p.organisation],
    },
    roles: ['venue', 'area-admin', 'admin'],
    summary:
      "Write a venue's public profile (the venue itself, its area's admin, the national centre): offer in fi/sv/en, sectors, address, https website, accessibility.",
    body: schemas.venueProfile,
    response: r.venueProfile,
    errors: ['PERSONAL_DATA_NOT_ALLOWED', 'CONFLICT'],
  },
  {
    method: 'POST',
    path: '/v1/ticket-agents',
    handler: 'functions/organisations/create-ticket-agent.ts',
    table: { PutItem: [p.organisation, p.audit] },
    success: 201,
    roles: ['admin'],
    summary: 'Add a national ticket agent (records uses for any venue).',
    body: schemas.createNationalOrganisation,
    response: r.nationalOrganisation,
    errors: ['PERSONAL_DATA_NOT_ALLOWED'],
  },
  {
    method: 'POST',
    path: '/v1/partners',
    handler: 'functions/organisations/create-partner.ts',
    table: { PutItem: [p.organisation, p.audit] },
    success: 201,
    roles: ['admin'],
    summary: 'Add a national statistics partner.',
    body: schemas.createNationalOrganisation,
    response: r.nationalOrganisation,
    errors: ['PERSONAL_DATA_NOT_ALLOWED'],
  },
  {
    method: 'POST',
    path: '/v1/organisations/{orgId}/keys',
    handler: 'functions/keys/create-key.ts',
    secretInReply: true,
    table: { GetItem: [p.organisation], PutItem: [p.apiKey, p.audit] },
    success: 201,
    roles: ['admin', 'area-admin'],
    summary:
      "A new API key for a machine of the organisation (a cash register, a ticketing system, a script), with a name saying what it is for and an optional expiry; the secret is in this answer only. The role follows the organisation's kind.",
    body: schemas.createKey,
    response: r.newKey,
    // Its name is free text.
    errors: ['PERSONAL_DATA_NOT_ALLOWED'],
  },
  {
    method: 'GET',
    path: '/v1/organisations/{orgId}/keys',
    handler: 'functions/keys/list-keys.ts',
    table: { GetItem: [p.organisation], Query: [keysOfOrganisationIndex] },
    roles: ['admin', 'area-admin'],
    summary: "The organisation's keys, never a secret.",
    query: schemas.pageQuery,
    response: r.keys,
  },
  {
    method: 'DELETE',
    path: '/v1/keys/{keyId}',
    handler: 'functions/keys/revoke-key.ts',
    table: { GetItem: [p.apiKey], UpdateItem: [p.apiKey], PutItem: [p.audit] },
    roles: ['admin', 'area-admin'],
    summary:
      "Revoke a key: its next request is refused (401), whatever the authorizer's cache holds (every request re-reads the key).",
    response: r.revokedKey,
  },
  {
    method: 'POST',
    path: '/v1/organisations/{orgId}/people',
    handler: 'functions/people/invite-person.ts',
    table: {
      GetItem: [p.organisation],
      Query: [p.person],
      PutItem: [p.person, p.audit],
      UpdateItem: [p.person],
    },
    directory: ['AdminCreateUser', 'AdminGetUser'],
    success: 201,
    roles: everyRole,
    summary:
      "Invite a person to the organisation by e-mail (the identity provider sends the sign-up link); a person already known gets the membership added. Admin: any organisation; area-admin: its area's organisations; a manager of the organisation: its own.",
    body: schemas.invitePerson,
    response: r.invitedPerson,
    errors: ['PERSONAL_DATA_NOT_ALLOWED', 'CONFLICT', 'ORGANISATION_INACTIVE'],
  },
  {
    method: 'GET',
    path: '/v1/organisations/{orgId}/people',
    handler: 'functions/people/list-people.ts',
    table: { GetItem: [p.organisation], Query: [p.peopleOfOrganisation], BatchGetItem: [p.person] },
    roles: everyRole,
    summary: "The organisation's people, with their status and last sign-in.",
    query: schemas.pageQuery,
    response: r.people,
  },
  {
    method: 'DELETE',
    path: '/v1/organisations/{orgId}/people/{personId}',
    handler: 'functions/people/remove-person.ts',
    table: {
      GetItem: [p.organisation],
      DeleteItem: [p.person],
      PutItem: [p.audit],
      Query: [p.person],
      UpdateItem: [p.person],
    },
    roles: everyRole,
    summary: "Remove a person's membership: their next request for this organisation is refused.",
    response: r.removedPerson,
  },
  {
    method: 'PATCH',
    path: '/v1/people/{personId}',
    handler: 'functions/people/set-person-status.ts',
    table: { Query: [p.person], UpdateItem: [p.person], PutItem: [p.audit] },
    directory: ['AdminDisableUser', 'AdminEnableUser', 'AdminUserGlobalSignOut'],
    roles: ['admin'],
    summary:
      'Disable a person (every organisation: their next request is refused, whatever any cache holds, and the identity provider signs them out everywhere and refuses their sign-in) or enable them again. The national centre only; nobody disables themselves.',
    body: schemas.setPersonStatus,
    response: r.personStatus,
  },
  {
    method: 'GET',
    path: '/v1/audit',
    handler: 'functions/audit/list-audit.ts',
    table: { Query: [p.audit, p.auditOfArea] },
    roles: ['admin', 'area-admin'],
    summary:
      'Administrative actions (approvals, organisations, keys, people, card revocations, voided uses), each naming the person or the key that acted.',
    query: schemas.auditQuery,
    response: r.audit,
  },
  {
    method: 'GET',
    path: '/v1/stats/summary',
    handler: 'functions/stats/get-summary.ts',
    table: { GetItem: [p.area], Query: [p.aggregates, p.allAreas] },
    roles: ['admin', 'area-admin'],
    summary:
      'Live figures from the counters: events from `from` (default 1 January of `to`) to `to` (default today), cards active and municipalities on `to`. Admin: national, or one area with areaId; area-admin: own area.',
    query: schemas.statsSummaryQuery,
    memoryMb: 512,
    timeoutSeconds: 29,
    response: r.summary,
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/v1/stats/snapshots',
    handler: 'functions/stats/list-snapshots.ts',
    table: { Query: [p.snapshots] },
    roles: ['admin', 'partner'],
    summary: 'The statistics snapshots written so far, newest day first: {items: [{date, createdAt}]}.',
    query: schemas.pageQuery,
    response: r.snapshots,
  },
  {
    method: 'GET',
    path: '/v1/stats/snapshots/{date}',
    handler: 'functions/stats/get-snapshot.ts',
    table: { GetItem: [p.snapshots] },
    roles: ['admin', 'partner'],
    summary:
      "A snapshot's manifest with a presigned link (valid 15 minutes) to each file; partners see the partner/ tier only.",
    resources: ['statisticsBucket'],
    response: r.snapshot,
  },
  {
    method: 'POST',
    path: '/v1/stats/snapshots',
    handler: 'functions/stats/request-snapshot.ts',
    table: {},
    success: 202,
    roles: ['admin'],
    summary:
      'Compute the snapshot of `date` (default yesterday; today gives the figures so far) the way the nightly run does.',
    body: schemas.requestSnapshot,
    resources: ['snapshotFunction'],
    response: r.snapshotRequested,
  },
] as const satisfies readonly Route[];

export type RouteKey = `${(typeof routes)[number]['method']} ${(typeof routes)[number]['path']}`;

export const routeKey = (route: Route) => `${route.method} ${route.path}`;

export function findRoute(key: RouteKey): Route {
  const route = (routes as readonly Route[]).find((candidate) => routeKey(candidate) === key);
  if (!route) throw new Error(`no route ${key}`);
  return route;
}

/**
 * What every route behind the authorizer reads at each request to check that the caller may still act
 * (shared/http/caller.ts): a key's item with its organisation's (one BatchGetItem), or a person's
 * partition (the person and their memberships).
 */
export const callerCheckAccess: TableGrant = {
  BatchGetItem: [p.apiKey, p.organisation],
  Query: [p.person],
};

/** Everything a route's function may do to the table: its own grant, and the caller check if it has one. */
export const tableAccessOf = (route: Route): TableGrant =>
  route.roles === 'public' ? route.table : mergeGrants(route.table, callerCheckAccess);

/** The authorizer is a function too; it is not a route, but CDK and the local gateway share its file. */
export const authorizerHandler = 'functions/authorizer.ts';

/**
 * The authorizer reads the key and its organisation, or the person's partition, and notes when the key
 * was last used or the person last signed in.
 */
export const authorizerAccess: TableGrant = {
  GetItem: [p.apiKey, p.organisation],
  Query: [p.person],
  UpdateItem: [p.apiKey, p.person],
};

/** What the jobs may do to the table (their S3 and stream access is in the stacks that own those). */
export const jobAccess = {
  /**
   * Reads the holders' birth years; writes each counter once per batch (its high-water mark in the same
   * update) and a flag of abnormal use when a card's day crosses a limit; removes a card's day tallies
   * too old to change that a card not used for weeks still carries.
   */
  countFromStream: {
    BatchGetItem: [p.card],
    PutItem: [p.flag],
    UpdateItem: [p.aggregates, p.card],
  },
  /**
   * Reads the areas and their counters; lists the finished snapshot; finds the newest finished one
   * before a day it recomputes (latest.json steps back to it meanwhile).
   */
  snapshot: { Query: [p.aggregates, p.allAreas, p.snapshots], PutItem: [p.snapshots] },
} as const satisfies Record<string, TableGrant>;

/** Functions that no route calls: the stream consumer and the nightly snapshot. */
export const jobHandlers = {
  countFromStream: 'functions/jobs/count-from-stream.ts',
  snapshot: 'functions/jobs/snapshot.ts',
} as const;

/** Every function the service deploys, once each. */
export const allHandlers = (): string[] => [
  ...new Set<string>([
    authorizerHandler,
    ...routes.map((route) => route.handler),
    ...Object.values(jobHandlers),
  ]),
];

/** No request of the contract but a batch comes near this; a larger body is refused before it is parsed. */
export const defaultMaxBodyBytes = 64 * 1024;

/** API-wide throttle (requests per second, burst) when a route sets none. */
export const defaultThrottle = { rate: 200, burst: 400 } as const;

export const authCacheSeconds = (): number => {
  const value = Number(process.env.KAIKU_AUTH_CACHE_SECONDS ?? 300);
  return Number.isFinite(value) && value >= 0 && value <= 3600 ? value : 300;
};
