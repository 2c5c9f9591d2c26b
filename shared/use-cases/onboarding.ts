// Applications: a submission takes one of its client's 3 places (decision 0011); an approval makes
// everything the new area needs in one transaction; a rejection is one transaction too, alone or for many
// applications at once (each its own, with its audit entry).

import type { Principal } from '../contract/roles.ts';
import { unclaimedApiKey } from '../domain/api-keys.ts';
import { sourceOf } from '../domain/application-source.ts';
import { auditEntry } from '../domain/audit.ts';
import { type Application, type ApplicationInput, newApplication } from '../domain/onboarding.ts';
import type { Area, Organisation } from '../domain/organisations.ts';
import { mapLimit } from '../lib/concurrency.ts';
import { ApiError } from '../lib/errors.ts';
import {
  approveApplication,
  getApplication,
  pendingOfSource,
  putApplication,
  rejectApplication,
} from '../store/onboarding.ts';
import { readSecret } from '../store/secrets.ts';
import { newId } from './register-organisation.ts';

const decided = () => new ApiError('CONFLICT', 'The application has already been decided.');

/**
 * Stores a new application of the client (clientOfRequest) with its source, the keyed hash of the client,
 * taking one of the client's places; the claim token is for the answer only.
 */
export async function submit(
  input: ApplicationInput,
  client: string,
  now: Date,
): Promise<{ application: Application; claimToken: string }> {
  // The key is in Secrets Manager, never in the table (shared/store/secrets.ts).
  const key = Buffer.from(await readSecret('applicationSource'), 'utf8');
  const made = newApplication(input, sourceOf(client, key), now);
  await putApplication(made.application);
  return made;
}

export async function approve(
  application: Application,
  principal: Principal,
  now: Date,
): Promise<{ areaId: string; areaAdmin: Organisation }> {
  if (application.status !== 'pending') throw decided();
  const createdAt = now.toISOString();
  const area: Area = {
    areaId: newId('a'),
    name: application.areaName,
    municipalityCodes: application.municipalityCodes,
    welfareArea: application.welfareArea,
    status: 'active',
    createdAt,
  };
  const areaAdmin: Organisation = {
    orgId: newId('o'),
    kind: 'area-admin',
    name: `${application.areaName}: Kaikukortti team`,
    areaId: area.areaId,
    contactEmail: application.contacts.culture.email,
    status: 'active',
    createdAt,
  };
  const key = unclaimedApiKey({ orgId: areaAdmin.orgId, role: 'area-admin', areaId: area.areaId }, now);
  const audit = auditEntry(
    principal,
    'application.approved',
    `application/${application.applicationId}`,
    area.areaId,
    now,
  );
  await approveApplication(application, { area, areaAdmin, key, audit }, now);
  return { areaId: area.areaId, areaAdmin };
}

/** Rejects a waiting application with a reason the applicant sees, and its audit entry. */
export async function reject(
  application: Application,
  reason: string,
  principal: Principal,
  now: Date,
): Promise<void> {
  if (application.status !== 'pending') throw decided();
  const audit = auditEntry(
    principal,
    'application.rejected',
    `application/${application.applicationId}`,
    undefined,
    now,
  );
  await rejectApplication(application, reason, audit, now);
}

export interface RejectedAtOnce {
  readonly rejected: string[];
  readonly skipped: { readonly id: string; readonly reason: 'not found' | 'already decided' }[];
}

/**
 * Rejects every waiting application of one source, or the ids listed: each as a rejection of its own (its
 * transaction, its audit entry), so one that was decided meanwhile is skipped and the others still go.
 */
export async function rejectAtOnce(
  targets: { readonly source: string } | { readonly ids: readonly string[] },
  reason: string,
  principal: Principal,
  now: Date,
): Promise<RejectedAtOnce> {
  const ids = 'source' in targets ? await pendingOfSource(targets.source) : targets.ids;
  const outcomes = await mapLimit(ids, 8, async (id) => {
    const application = await getApplication(id);
    if (!application) return 'not found' as const;
    try {
      await reject(application, reason, principal, now);
      return 'rejected' as const;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') return 'already decided' as const;
      throw error;
    }
  });
  const result: RejectedAtOnce = { rejected: [], skipped: [] };
  outcomes.forEach((outcome, index) => {
    const id = ids[index]!;
    if (outcome === 'rejected') result.rejected.push(id);
    else result.skipped.push({ id, reason: outcome });
  });
  return result;
}
