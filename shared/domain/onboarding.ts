// A municipality's application to join, checked against the shipped classification.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { rejectPendingApplications, submitApplication } from '../contract/schemas.ts';
import { type ErrorDetail, invalid } from '../lib/errors.ts';
import type { Infer } from '../lib/schema.ts';
import { municipalities, welfareAreas } from './codes.ts';

export type ApplicationInput = Infer<typeof submitApplication>;
export type ApplicationStatus = 'pending' | 'approved' | 'rejected';

export interface Application {
  readonly applicationId: string;
  readonly status: ApplicationStatus;
  readonly areaName: string;
  readonly municipalityCodes: readonly string[];
  readonly welfareArea: string;
  readonly contacts: ApplicationInput['contacts'];
  /** The applicant's language, when the form said it: the decision e-mail is written in it. */
  readonly language?: ApplicationInput['language'];
  readonly claimTokenHash: string;
  /**
   * The client that sent it, as a keyed hash of its address (shared/domain/application-source.ts); kept
   * while the application waits, removed by the decision. Absent on applications older than issue 9.
   */
  readonly source?: string;
  readonly createdAt: string;
  readonly decidedAt?: string;
  readonly areaId?: string;
  readonly reason?: string;
  /** The area-admin key made at approval; its secret is minted when the applicant first asks. */
  readonly adminKeyId?: string;
  readonly keyClaimedAt?: string;
}

/** Every code must be real, listed once, and of the welfare area named. */
export function checkApplication(input: ApplicationInput): void {
  const problems: ErrorDetail[] = [];
  if (!Object.hasOwn(welfareAreas, input.welfareArea))
    problems.push({
      field: 'welfareArea',
      problem: `is not a welfare area (${Object.keys(welfareAreas).join(', ')})`,
    });
  const seen = new Set<string>();
  input.municipalityCodes.forEach((code, index) => {
    const field = `municipalityCodes[${index}]`;
    const municipality = municipalities[code];
    if (seen.has(code)) problems.push({ field, problem: `${code} is listed twice` });
    else if (!municipality) problems.push({ field, problem: `${code} is not a municipality code` });
    else if (municipality.welfareArea !== input.welfareArea)
      problems.push({
        field,
        problem: `${code} (${municipality.name}) belongs to welfare area ${municipality.welfareArea}, not ${input.welfareArea}`,
      });
    seen.add(code);
  });
  if (problems.length > 0) throw invalid(problems);
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function newApplication(
  input: ApplicationInput,
  source: string,
  now: Date,
): { application: Application; claimToken: string } {
  checkApplication(input);
  const claimToken = `ct.${randomBytes(32).toString('base64url')}`;
  return {
    claimToken,
    application: {
      applicationId: `app${randomBytes(8).toString('hex')}`,
      status: 'pending',
      areaName: input.areaName,
      municipalityCodes: input.municipalityCodes,
      welfareArea: input.welfareArea,
      contacts: input.contacts,
      ...(input.language && { language: input.language }),
      claimTokenHash: hashToken(claimToken),
      source,
      createdAt: now.toISOString(),
    },
  };
}

export function claimTokenMatches(application: Application, token: string | undefined): boolean {
  if (!token) return false;
  return timingSafeEqual(
    Buffer.from(application.claimTokenHash, 'hex'),
    Buffer.from(hashToken(token), 'hex'),
  );
}

/** What the applicant sees: never the contacts or token hash; the key only in the answer that minted it. */
export function applicantView(application: Application, apiKey?: string) {
  return {
    id: application.applicationId,
    status: application.status,
    ...(application.areaId && { areaId: application.areaId }),
    ...(application.reason && { reason: application.reason }),
    ...(apiKey && { apiKey }),
  };
}

/**
 * What the national centre sees when deciding; while it waits, its `source`: applications with the same
 * source came from the same client (one address, or one IPv6 /64).
 */
export function reviewView(application: Application) {
  return {
    id: application.applicationId,
    status: application.status,
    ...(application.status === 'pending' && application.source && { source: application.source }),
    areaName: application.areaName,
    municipalityCodes: application.municipalityCodes,
    welfareArea: application.welfareArea,
    contacts: application.contacts,
    createdAt: application.createdAt,
    ...(application.decidedAt && { decidedAt: application.decidedAt }),
    ...(application.areaId && { areaId: application.areaId }),
    ...(application.reason && { reason: application.reason }),
  };
}

export type RejectPendingInput = Infer<typeof rejectPendingApplications>;

/** Which waiting applications a rejection at once is for: one source's, or the ids listed (each once). */
export function rejectionTargets(
  input: RejectPendingInput,
): { readonly source: string } | { readonly ids: readonly string[] } {
  if ((input.source === undefined) === (input.ids === undefined))
    throw invalid([{ field: 'source', problem: 'give either source or ids (exactly one of them)' }]);
  if (input.source !== undefined) return { source: input.source };
  const ids = input.ids ?? [];
  const problems: ErrorDetail[] = [];
  ids.forEach((id, index) => {
    if (ids.indexOf(id) !== index)
      problems.push({ field: `ids[${index}]`, problem: `${id} is listed twice` });
  });
  if (problems.length > 0) throw invalid(problems);
  return { ids };
}
