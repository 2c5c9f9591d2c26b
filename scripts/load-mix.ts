// The request mix of npm run load (scripts/load.ts): which request the i-th one is, what answer it
// expects, and the check afterwards that every use answered 201 is in the table exactly once.
import { generateCardNumber } from '../shared/contract/card-number.ts';

export type Kind = 'use' | 'lookup' | 'replay' | 'badBody' | 'unknownCard' | 'wrongRole';

/** Out of every 100 requests: most record a new use; a few are replays and invalid requests. */
export const mix: Record<Kind, number> = {
  use: 70,
  lookup: 15,
  replay: 7,
  badBody: 3,
  unknownCard: 3,
  wrongRole: 2,
};

export const expectedStatus: Record<Kind, number> = {
  use: 201,
  lookup: 200,
  replay: 200,
  badBody: 400,
  unknownCard: 404,
  wrongRole: 403,
};

const slots: Kind[] = (Object.entries(mix) as [Kind, number][]).flatMap(([kind, n]) =>
  Array.from({ length: n }, () => kind),
);
if (slots.length !== 100) throw new Error('the mix must add up to 100');

/** The i-th request's kind: 37 is coprime to 100, so each block of 100 holds the mix, spread out. */
export const kindOf = (index: number): Kind => slots[(index * 37) % 100]!;

/** A use as the venue sends it, and what came back for it. */
export interface SentUse {
  readonly idempotencyKey: string;
  readonly body: string;
}

export interface Planned {
  readonly kind: Kind;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** For a use: what to remember if it is recorded; for a replay: the usageId it must answer. */
  readonly use?: SentUse;
  readonly replayOf?: string;
}

export interface Keys {
  readonly venue: string;
  readonly distributor: string;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const jsonHeaders = (key: string) => ({ ...bearer(key), 'content-type': 'application/json' });
const useBody = (cardNumber: string) =>
  JSON.stringify({ cardNumber, sector: 'culture', adults: 1, children: 0 });

/**
 * Plans request `index`. `recorded` holds the uses answered 201 so far, for replays (the load records a
 * few before it starts, so there is always one to repeat).
 */
export function plan(
  index: number,
  runId: string,
  keys: Keys,
  cards: readonly string[],
  recorded: readonly (SentUse & { usageId: string })[],
): Planned {
  const kind = kindOf(index);
  const card = cards[index % cards.length]!;
  switch (kind) {
    case 'use': {
      const use = { idempotencyKey: `${runId}-${index}`, body: useBody(card) };
      return {
        kind,
        method: 'POST',
        path: '/v1/usages',
        headers: { ...jsonHeaders(keys.venue), 'idempotency-key': use.idempotencyKey },
        body: use.body,
        use,
      };
    }
    case 'lookup':
      return { kind, method: 'GET', path: `/v1/cards/${card}`, headers: bearer(keys.venue) };
    case 'replay': {
      const earlier = recorded[(index * 7919) % recorded.length]!;
      return {
        kind,
        method: 'POST',
        path: '/v1/usages',
        headers: { ...jsonHeaders(keys.venue), 'idempotency-key': earlier.idempotencyKey },
        body: earlier.body,
        replayOf: earlier.usageId,
      };
    }
    case 'badBody': {
      const bodies = [
        JSON.stringify({ cardNumber: card, sector: 'culture', adults: 99, children: 0 }),
        JSON.stringify({ cardNumber: card, adults: 1, children: 0 }),
        '{"cardNumber": ',
      ];
      return {
        kind,
        method: 'POST',
        path: '/v1/usages',
        headers: { ...jsonHeaders(keys.venue), 'idempotency-key': `${runId}-${index}` },
        body: bodies[index % bodies.length]!,
      };
    }
    case 'unknownCard':
      // A well-formed number (right check character) that no card has.
      return index % 2 === 0
        ? {
            kind,
            method: 'POST',
            path: '/v1/usages',
            headers: { ...jsonHeaders(keys.venue), 'idempotency-key': `${runId}-${index}` },
            body: useBody(generateCardNumber()),
          }
        : { kind, method: 'GET', path: `/v1/cards/${generateCardNumber()}`, headers: bearer(keys.venue) };
    case 'wrongRole':
      // A distributor recording a use; a venue issuing a card.
      return index % 2 === 0
        ? {
            kind,
            method: 'POST',
            path: '/v1/usages',
            headers: { ...jsonHeaders(keys.distributor), 'idempotency-key': `${runId}-${index}` },
            body: useBody(card),
          }
        : {
            kind,
            method: 'POST',
            path: '/v1/cards',
            headers: jsonHeaders(keys.venue),
            body: JSON.stringify({ cardType: 'community' }),
          };
  }
}

/**
 * Lost: answered 201 but not in the table. Duplicated: in the table more than once, or in the table
 * without a 201 for it (a second use made by a replay, a refusal that wrote anyway).
 */
export function compareWithTable(answered201: readonly string[], inTable: readonly string[]) {
  const seen = new Map<string, number>();
  for (const id of inTable) seen.set(id, (seen.get(id) ?? 0) + 1);
  const expected = new Set(answered201);
  const lost = [...expected].filter((id) => !seen.has(id));
  const duplicated = [...seen].filter(([id, n]) => n > 1 || !expected.has(id)).map(([id]) => id);
  return { lost, duplicated, answeredTwice: answered201.length - expected.size };
}
