import type { Organisation } from '../domain/organisations.ts';
import { requireAreaScope } from '../domain/scope.ts';
import { notFound } from '../lib/errors.ts';
import { getOrganisation } from '../store/organisations.ts';
import type { HttpRequest } from './handler.ts';

/** The organisation named in the path, if the caller may manage it (else "not found"). */
export async function manageableOrganisation(request: HttpRequest<unknown, unknown>): Promise<Organisation> {
  const orgId = request.path.orgId ?? '';
  const organisation = await getOrganisation(orgId);
  if (!organisation) throw notFound(`Organisation ${orgId}`);
  requireAreaScope(request.principal, organisation.areaId, `Organisation ${orgId}`);
  return organisation;
}
