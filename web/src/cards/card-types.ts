// A card as its area's distributors see it (GET /v1/cards/{n}), and the holder fields' allowed values.
export interface FullCard {
  readonly cardNumber: string;
  readonly cardType: 'personal' | 'community';
  readonly status: 'active' | 'expired' | 'revoked';
  readonly validUntil: string;
  readonly areaId: string;
  readonly issuedBy: string;
  readonly issuedAt: string;
  readonly birthYear?: number;
  readonly postalCode?: string;
  readonly minorChildren?: number;
  readonly gender?: string;
  readonly lifeSituation?: string;
  readonly useCount: number;
  readonly lastUsedAt?: string;
  readonly replacedBy?: string;
}

export const genders = ['female', 'male', 'other', 'undisclosed'] as const;
export const lifeSituations = [
  'employed',
  'unemployed',
  'student',
  'retired',
  'family-leave',
  'disability',
  'other',
  'undisclosed',
] as const;

export const cardPath = (cardNumber: string) => `/cards/${encodeURIComponent(cardNumber)}`;
