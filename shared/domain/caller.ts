// Who acts in a request once the edge has checked them (shared/http/caller.ts): the use cases take it as
// it is, without knowing how it was checked.
import type { Principal } from '../contract/roles.ts';
import type { ApiKeyRecord } from './api-keys.ts';
import type { Organisation } from './organisations.ts';
import type { Membership, Person } from './people.ts';

/** The caller as checked at this request: the key's principal, or the person with every membership. */
export type Caller =
  | {
      readonly kind: 'key';
      readonly principal: Principal;
      readonly key: ApiKeyRecord;
      /** The key's organisation, read in the same request as the key. */
      readonly organisation?: Organisation;
    }
  | { readonly kind: 'person'; readonly person: Person; readonly memberships: readonly Membership[] };
