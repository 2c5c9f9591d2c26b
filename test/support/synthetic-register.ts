import { mulberry32 } from '../../infra/local/seeded-random.ts';
import type { Sector } from '../../shared/contract/roles.ts';
import { allowances, type Card } from '../../shared/domain/cards.ts';
import type { Usage } from '../../shared/domain/usages.ts';
import { addDays, oneYearValidity } from '../../shared/lib/dates.ts';
import { putCardsInBulk } from '../../shared/store/bulk-cards.ts';
import { putUsagesInBulk } from '../../shared/store/bulk-usages.ts';

const sectorWeights: [Sector, number][] = [
  ['culture', 0.55],
  ['sport', 0.25],
  ['education', 0.12],
  ['science', 0.08],
];

function sectorOf(value: number): Sector {
  let left = value;
  for (const [sector, weight] of sectorWeights) {
    if (left < weight) return sector;
    left -= weight;
  }
  return 'culture';
}

export class SyntheticRegister {
  readonly cards: Card[] = [];
  private readonly random: () => number;
  private usesMade = 0;
  /** The last day of the register: cards are issued and used within the year before it. */
  readonly lastDay: string;

  constructor(lastDay: string, seed = 2026) {
    this.lastDay = lastDay;
    this.random = mulberry32(seed);
  }

  private dayBetween(from: string, to: string): string {
    return addDays(from, Math.floor(this.random() * (1 + (Date.parse(to) - Date.parse(from)) / 86_400_000)));
  }

  /** `count` cards of the area, issued in the year before the last day (a tenth of them community cards). */
  async putCards(areaId: string, count: number): Promise<Card[]> {
    const first = addDays(this.lastDay, -364);
    const made: Card[] = [];
    for (let c = 0; c < count; c++) {
      const issuedOn = this.dayBetween(first, addDays(this.lastDay, -30));
      const community = this.random() < 0.1;
      const minorChildren = Math.floor(this.random() * 3);
      made.push({
        cardNumber: `S${areaId}X${String(this.cards.length + c).padStart(7, '0')}`,
        cardType: community ? 'community' : 'personal',
        validUntil: oneYearValidity(issuedOn),
        areaId,
        issuedBy: `synthetic-unit-${areaId}`,
        issuedAt: `${issuedOn}T08:00:00.000Z`,
        issuedOn,
        ...(community
          ? {}
          : { birthYear: 1940 + Math.floor(this.random() * 68), minorChildren, postalCode: '02100' }),
        ...allowances(community ? 'community' : 'personal', minorChildren),
        useCount: 0,
      } as Card);
    }
    // In bulk: one transaction per card took minutes for a few thousand on a busy machine. The bulk
    // loader writes the same items and counter totals (verify-stats finds them right).
    await putCardsInBulk(made);
    this.cards.push(...made);
    return made;
  }

  /** `count` uses of random cards, each on a day between its card's issue and the last day. */
  uses(count: number, venueOf: (card: Card) => string = (card) => `synthetic-venue-${card.areaId}`): Usage[] {
    return Array.from({ length: count }, () => {
      const card = this.cards[Math.floor(this.random() * this.cards.length)]!;
      const used = this.dayBetween(card.issuedOn, this.lastDay);
      const children = Math.min(card.childAllowance, Math.floor(this.random() * 3));
      const venueId = venueOf(card);
      const minute = Math.floor(this.random() * 600);
      const occurredAt = `${used}T${String(6 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00.000Z`;
      return {
        usageId: `usynthetic${this.usesMade++}`,
        cardNumber: card.cardNumber,
        venueId,
        areaId: card.areaId,
        occurredAt,
        day: used,
        sector: sectorOf(this.random()),
        adults: 1,
        children,
        recordedAt: occurredAt,
        recordedBy: venueId,
        fingerprint: 'synthetic',
        voided: false,
      };
    });
  }

  /** Writes uses in bulk, with their counters, as the stream consumer would have counted them. */
  async putUses(uses: readonly Usage[], countedAt: Date): Promise<void> {
    const birthYears = new Map(this.cards.map((card) => [card.cardNumber, card.birthYear]));
    await putUsagesInBulk(uses, (cardNumber) => birthYears.get(cardNumber), countedAt);
  }
}
