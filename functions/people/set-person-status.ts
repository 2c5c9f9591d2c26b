// PATCH /v1/people/{personId}: the national centre disables a person (every organisation at once) or
// enables them again. The table is written first: every request of a person re-reads their status, so the
// next one is refused whatever the authorizer's cache holds. Then the identity provider turns the account
// off and signs the person out everywhere (no refresh, no new sign-in). A failure between the two is
// mended by sending the same request again.

import type { setPersonStatus as setPersonStatusBody } from '../../shared/contract/schemas.ts';
import { auditEntry } from '../../shared/domain/audit.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { setAccountEnabled } from '../../shared/identity/directory.ts';
import { ApiError, notFound } from '../../shared/lib/errors.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { changePersonStatus, getPersonWithMemberships } from '../../shared/store/people.ts';

export const handler = httpHandler<Infer<typeof setPersonStatusBody>>(
  'PATCH /v1/people/{personId}',
  async ({ path, body, principal, now }) => {
    const personId = path.personId ?? '';
    const { person } = await getPersonWithMemberships(personId);
    if (!person) throw notFound(`Person ${personId}`);
    const disabling = body.status === 'disabled';
    // Nobody locks themselves out: another admin does it.
    if (disabling && principal.kind === 'person' && principal.personId === personId)
      throw new ApiError('FORBIDDEN', 'You cannot disable yourself; another admin can.');
    const audit = auditEntry(
      principal,
      disabling ? 'person.disabled' : 'person.enabled',
      `person/${personId}`,
      undefined,
      now,
    );
    const status = await changePersonStatus(person, disabling ? 'disabled' : 'enabled', audit);
    if (!status) throw notFound(`Person ${personId}`);
    await setAccountEnabled(person.email, !disabling);
    return json(200, { personId, email: person.email, name: person.name, status });
  },
);
