// "Cards active" is kept as day-by-day deltas (active on D = the sum of all deltas on days up to D).
// A small simulator applies the deltas of issue, renewal, revocation and replacement to a day -> sum
// ledger and compares every day with a brute-force count straight from the contract: a card is active
// on D when it was issued on or before D, is valid on D and was not revoked on or before D.
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/contract/roles.ts';
import { issueCard } from '../../shared/contract/schemas.ts';
import {
  type ActiveDeltas,
  activeWhileValid,
  type Card,
  cardStatus,
  newCard,
  renewal,
  renewalDeltas,
  revocationDeltas,
} from '../../shared/domain/cards.ts';
import { replacementOf } from '../../shared/domain/replacement.ts';
import { addDays, daysBetween, oneYearValidity } from '../../shared/lib/dates.ts';
import { validate } from '../../shared/lib/schema.ts';
import { seededRandom } from './helpers.ts';

const distributor: Principal = {
  kind: 'key',
  keyId: 'k1',
  orgId: 'dist1',
  role: 'distributor',
  areaId: 'area1',
};
const now = new Date('2026-01-01T10:00:00Z');

/** One card as the brute force sees it: its validity periods and its revocation, nothing else. */
interface Tracked {
  card: Card;
  issuedOn: string;
  periods: { from: string; until: string }[];
  revokedOn?: string;
}

class Register {
  readonly ledger = new Map<string, number>();
  readonly cards: Tracked[] = [];

  private apply(deltas: ActiveDeltas) {
    for (const { day, delta } of deltas) this.ledger.set(day, (this.ledger.get(day) ?? 0) + delta);
  }

  issue(day: string, validUntil?: string): Tracked {
    const body = { cardType: 'personal', birthYear: 1980, postalCode: '00100', minorChildren: 1, validUntil };
    const card = newCard(validate(issueCard, body), distributor, now, day);
    this.apply(activeWhileValid(day, card.validUntil));
    const tracked: Tracked = { card, issuedOn: day, periods: [{ from: day, until: card.validUntil }] };
    this.cards.push(tracked);
    return tracked;
  }

  renew(tracked: Tracked, day: string) {
    if (tracked.revokedOn) throw new Error('the simulator never renews a revoked card');
    const { validUntil } = renewal(day);
    this.apply(renewalDeltas(tracked.card, day, validUntil));
    tracked.card = { ...tracked.card, validUntil };
    tracked.periods.push({ from: day, until: validUntil });
  }

  revoke(tracked: Tracked, day: string) {
    this.apply(revocationDeltas(tracked.card, day));
    this.markRevoked(tracked, day);
  }

  /** As functions/cards/replace-card.ts: the old card is revoked, the new one is active while valid. */
  replace(tracked: Tracked, day: string): Tracked {
    const replacement = replacementOf(tracked.card, undefined, distributor, now, day);
    this.apply([...revocationDeltas(tracked.card, day), ...activeWhileValid(day, replacement.validUntil)]);
    this.markRevoked(tracked, day);
    const next: Tracked = {
      card: replacement,
      issuedOn: day,
      periods: [{ from: day, until: replacement.validUntil }],
    };
    this.cards.push(next);
    return next;
  }

  private markRevoked(tracked: Tracked, day: string) {
    tracked.card = { ...tracked.card, revokedAt: `${day}T12:00:00.000Z`, revokedOn: day };
    tracked.revokedOn = day;
  }

  /** The brute-force count of the contract's definition. */
  bruteForceActive(day: string): number {
    return this.cards.filter(
      (tracked) =>
        tracked.issuedOn <= day &&
        tracked.periods.some((period) => period.from <= day && day <= period.until) &&
        !(tracked.revokedOn !== undefined && tracked.revokedOn <= day),
    ).length;
  }

  /** Prefix sums of the ledger for every day of [first, last]; the ledger must lie inside it. */
  ledgerActive(first: string, last: string): Map<string, number> {
    for (const day of this.ledger.keys()) {
      if (day < first || day > last) throw new Error(`delta on ${day}, outside ${first}..${last}`);
    }
    const sums = new Map<string, number>();
    let sum = 0;
    for (let day = first; day <= last; day = addDays(day, 1)) {
      sum += this.ledger.get(day) ?? 0;
      sums.set(day, sum);
    }
    return sums;
  }

  /** Days on which the ledger and the brute force disagree. */
  mismatches(first: string, last: string) {
    const sums = this.ledgerActive(first, last);
    const wrong: { day: string; ledger: number; bruteForce: number }[] = [];
    for (const [day, ledger] of sums) {
      const bruteForce = this.bruteForceActive(day);
      if (ledger !== bruteForce) wrong.push({ day, ledger, bruteForce });
    }
    return wrong;
  }

  activeDays(tracked: Tracked, first: string, last: string): string[] {
    const days: string[] = [];
    const only = new Register();
    only.cards.push(tracked);
    for (let day = first; day <= last; day = addDays(day, 1))
      if (only.bruteForceActive(day) === 1) days.push(day);
    return days;
  }
}

const first = '2025-12-01';
const last = '2029-12-31';

describe('cards active: chosen cases', () => {
  it('a card is active from its issue day through validUntil', () => {
    const register = new Register();
    register.issue('2026-03-10', '2026-03-12');
    const sums = register.ledgerActive(first, last);
    expect(sums.get('2026-03-09')).toBe(0);
    expect(sums.get('2026-03-10')).toBe(1);
    expect(sums.get('2026-03-12')).toBe(1);
    expect(sums.get('2026-03-13')).toBe(0);
    expect(register.mismatches(first, last)).toEqual([]);
  });

  it('renewed while valid: no gap, active until the new validUntil', () => {
    const register = new Register();
    const card = register.issue('2026-01-10');
    register.renew(card, '2026-06-01');
    const sums = register.ledgerActive(first, last);
    expect(sums.get('2027-01-09')).toBe(1); // the old expiry no longer happens
    expect(sums.get('2027-01-10')).toBe(1);
    expect(sums.get('2027-05-31')).toBe(1);
    expect(sums.get('2027-06-01')).toBe(0);
    expect(register.mismatches(first, last)).toEqual([]);
  });

  it('renewed on its last valid day and on the day after expiry: no gap either way', () => {
    for (const renewedOn of ['2026-02-28', '2026-03-01']) {
      const register = new Register();
      const card = register.issue('2026-02-01', '2026-02-28');
      register.renew(card, renewedOn);
      const sums = register.ledgerActive(first, last);
      expect(sums.get('2026-02-28'), renewedOn).toBe(1);
      expect(sums.get('2026-03-01'), renewedOn).toBe(1);
      expect(sums.get(oneYearValidity(renewedOn)), renewedOn).toBe(1);
      expect(sums.get(addDays(oneYearValidity(renewedOn), 1)), renewedOn).toBe(0);
      expect(register.mismatches(first, last)).toEqual([]);
    }
  });

  it('renewed weeks after expiry: a gap, then active again from the renewal day', () => {
    const register = new Register();
    const card = register.issue('2026-02-01', '2026-02-28');
    register.renew(card, '2026-04-15');
    const sums = register.ledgerActive(first, last);
    expect(sums.get('2026-02-28')).toBe(1);
    expect(sums.get('2026-03-01')).toBe(0);
    expect(sums.get('2026-04-14')).toBe(0);
    expect(sums.get('2026-04-15')).toBe(1);
    expect(sums.get('2027-04-14')).toBe(1);
    expect(sums.get('2027-04-15')).toBe(0);
    expect(register.mismatches(first, last)).toEqual([]);
  });

  it('renewed twice on the same day, and on the issue day', () => {
    const register = new Register();
    const card = register.issue('2026-05-01');
    register.renew(card, '2026-05-01');
    register.renew(card, '2026-09-09');
    register.renew(card, '2026-09-09');
    const days = register.activeDays(card, first, last);
    expect(days[0]).toBe('2026-05-01');
    expect(days.at(-1)).toBe('2027-09-08');
    expect(days).toHaveLength(daysBetween('2026-05-01', '2027-09-08') + 1);
    expect(register.mismatches(first, last)).toEqual([]);
  });

  it('revoked: not active from the revocation day on, even though still valid', () => {
    const register = new Register();
    const card = register.issue('2026-05-01');
    register.revoke(card, '2026-05-20');
    const sums = register.ledgerActive(first, last);
    expect(sums.get('2026-05-19')).toBe(1);
    expect(sums.get('2026-05-20')).toBe(0);
    expect(sums.get('2027-04-30')).toBe(0);
    expect(sums.get('2027-05-01')).toBe(0);
    expect(register.mismatches(first, last)).toEqual([]);
  });

  it('revoked on the issue day, on the last valid day, and after expiry', () => {
    const register = new Register();
    register.revoke(register.issue('2026-05-01'), '2026-05-01');
    register.revoke(register.issue('2026-06-01', '2026-06-10'), '2026-06-10');
    register.revoke(register.issue('2026-07-01', '2026-07-10'), '2026-08-01');
    expect(register.mismatches(first, last)).toEqual([]);
    const sums = register.ledgerActive(first, last);
    expect(sums.get('2026-05-01')).toBe(0);
    expect(sums.get('2026-06-09')).toBe(1);
    expect(sums.get('2026-06-10')).toBe(0);
    expect(sums.get('2026-07-10')).toBe(1);
    expect(sums.get('2026-07-11')).toBe(0);
    expect([...sums.values()].every((sum) => sum >= 0)).toBe(true);
  });

  it('replaced: the old card stops, the new one carries on to the same validUntil', () => {
    const register = new Register();
    const old = register.issue('2026-05-01');
    const next = register.replace(old, '2026-08-01');
    expect(next.card.validUntil).toBe('2027-04-30');
    const sums = register.ledgerActive(first, last);
    expect(sums.get('2026-07-31')).toBe(1);
    expect(sums.get('2026-08-01')).toBe(1);
    expect(sums.get('2027-04-30')).toBe(1);
    expect(sums.get('2027-05-01')).toBe(0);
    expect(register.activeDays(old, first, last).at(-1)).toBe('2026-07-31');
    expect(register.mismatches(first, last)).toEqual([]);
  });
});

/** Random lives of cards over a year: issue, renewals (while valid or after expiry), revocation, replacement. */
function randomRegister(seed: number): Register {
  const random = seededRandom(seed);
  const register = new Register();
  const dayAt = (n: number) => addDays('2026-01-01', n);
  const live = (tracked: Tracked, start: number) => {
    let t = start;
    while (random.next() < 0.8) {
      t += random.next() < 0.3 ? random.int(3) : random.int(random.next() < 0.5 ? 40 : 250);
      if (t > 600) return; // events stay within about a year and a half
      const day = dayAt(t);
      const action = random.next();
      if (action < 0.6) register.renew(tracked, day);
      else if (action < 0.8) {
        register.revoke(tracked, day);
        return;
      } else if (cardStatus(tracked.card, day) === 'active') {
        live(register.replace(tracked, day), t);
        return;
      }
    }
  };
  const count = 5 + random.int(40);
  for (let k = 0; k < count; k++) {
    const issued = random.int(365);
    const day = dayAt(issued);
    const max = oneYearValidity(day);
    // Some cards get a short validity (a pilot that ends) so that expiries and late renewals happen within the year.
    const validUntil =
      random.next() < 0.4 ? addDays(day, random.int(Math.min(120, daysBetween(day, max) + 1))) : undefined;
    live(register.issue(day, validUntil), issued);
  }
  return register;
}

describe('cards active: random event sequences against the brute-force count', () => {
  it('the ledger matches the brute force on every day, for 300 random registers', () => {
    const failures: string[] = [];
    let events = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const register = randomRegister(seed);
      events += register.cards.length;
      const wrong = register.mismatches(first, last);
      if (wrong.length > 0) failures.push(`seed ${seed}: ${JSON.stringify(wrong.slice(0, 3))}`);
      const sums = register.ledgerActive(first, last);
      if (sums.get(last) !== 0) failures.push(`seed ${seed}: ${sums.get(last)} cards active at the end`);
    }
    expect(events).toBeGreaterThan(3000);
    expect(failures).toEqual([]);
  });

  it('the random lives do exercise every kind of event', () => {
    let renewedLate = 0;
    let renewedWhileValid = 0;
    let revoked = 0;
    let replaced = 0;
    for (let seed = 1; seed <= 300; seed++) {
      for (const tracked of randomRegister(seed).cards) {
        if (tracked.revokedOn) revoked++;
        if (tracked.card.replaces) replaced++;
        tracked.periods.slice(1).forEach((period, index) => {
          const before = tracked.periods[index]!;
          if (period.from > addDays(before.until, 1)) renewedLate++;
          else renewedWhileValid++;
        });
      }
    }
    expect(renewedLate).toBeGreaterThan(100);
    expect(renewedWhileValid).toBeGreaterThan(100);
    expect(revoked).toBeGreaterThan(100);
    expect(replaced).toBeGreaterThan(50);
  });
});
