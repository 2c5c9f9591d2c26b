// What the desk needs of a card (GET /v1/cards/{n}, the venue's short form), fetched as soon as the
// number typed is valid.
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, api, type Schema } from '../api.ts';

export type DoorCard = Schema<'DoorCard'>;

/** The door view of what GET /v1/cards/{n} answered (a venue or ticket agent gets nothing more). */
const doorView = (card: DoorCard | Schema<'Card'>): DoorCard => ({
  cardNumber: card.cardNumber,
  cardType: card.cardType,
  status: card.status,
  validUntil: card.validUntil,
  minorChildren: card.minorChildren ?? 0,
  ...('todayAtVenue' in card && card.todayAtVenue && { todayAtVenue: card.todayAtVenue }),
});

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
    api('GET', '/v1/cards/{cardNumber}', { path: { cardNumber } }).then(
      (card) => current && setLookup({ kind: 'found', card: doorView(card) }),
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
