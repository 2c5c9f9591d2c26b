// What the desk needs of a card (GET /v1/cards/{n}, the venue's short form), fetched as soon as the
// number typed is valid.
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, api } from '../api.ts';

export interface DoorCard {
  readonly cardNumber: string;
  readonly cardType: 'personal' | 'community';
  readonly status: 'active' | 'expired' | 'revoked';
  readonly validUntil: string;
  readonly minorChildren: number;
}

export type Lookup =
  | { readonly kind: 'none' | 'loading' }
  | { readonly kind: 'found'; readonly card: DoorCard }
  /** No connection: the use can still be recorded, and is checked when it is sent. */
  | { readonly kind: 'offline' }
  | { readonly kind: 'failed'; readonly error: unknown };

export function useCardLookup(cardNumber: string | undefined): Lookup {
  const [lookup, setLookup] = useState<Lookup>({ kind: 'none' });
  useEffect(() => {
    if (!cardNumber) {
      setLookup({ kind: 'none' });
      return;
    }
    let current = true;
    setLookup({ kind: 'loading' });
    api<DoorCard>('GET', `/cards/${encodeURIComponent(cardNumber)}`).then(
      (card) => current && setLookup({ kind: 'found', card }),
      (error: unknown) => {
        if (!current) return;
        const offline = error instanceof ApiFailure && (error.status === 0 || error.status >= 500);
        setLookup(offline ? { kind: 'offline' } : { kind: 'failed', error });
      },
    );
    return () => {
      current = false;
    };
  }, [cardNumber]);
  return lookup;
}

/** How many adults and children one use of the card may admit (unknown card: the widest the API allows). */
export function limitsOf(lookup: Lookup): { adults: number; children: number } {
  if (lookup.kind !== 'found') return { adults: 10, children: 20 };
  return lookup.card.cardType === 'community'
    ? { adults: 10, children: 10 }
    : { adults: 1, children: lookup.card.minorChildren };
}
