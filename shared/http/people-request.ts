import type { Organisation } from '../domain/organisations.ts';
import { isManagerOf } from '../domain/people.ts';
import { canManageArea } from '../domain/scope.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { getOrganisation } from '../store/organisations.ts';
import type { HttpRequest } from './handler.ts';

/**
 * The organisation named in the path, if the caller may manage its people: the national centre any
 * organisation's; an area-admin those of its area's organisations; a manager of the organisation its own.
 * Outside that, another organisation is "not found" and one's own (without being its manager) forbidden.
 */
export async function organisationWithPeople(request: HttpRequest<unknown, unknown>): Promise<Organisation> {
  const orgId = request.path.orgId ?? '';
  const organisation = await getOrganisation(orgId);
  if (!organisation) throw notFound(`Organisation ${orgId}`);
  const { principal } = request;
  if (canManageArea(principal, organisation.areaId) || isManagerOf(principal, organisation.orgId))
    return organisation;
  if (principal.orgId === organisation.orgId)
    throw new ApiError('FORBIDDEN', "Only the organisation's managers manage its people.");
  throw notFound(`Organisation ${orgId}`);
}
