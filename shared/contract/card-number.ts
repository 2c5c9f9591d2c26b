// Card numbers: the format and its check character are in card-number-check.ts (free of Node's modules, so
// the web app checks a number as it is typed with the same code); this adds the generator.
import { randomInt } from 'node:crypto';
import { cardAlphabet, cardNumberLength, withCheckCharacter } from './card-number-check.ts';

export * from './card-number-check.ts';

export function generateCardNumber(): string {
  let body = '';
  for (let i = 0; i < cardNumberLength - 1; i++) body += cardAlphabet[randomInt(cardAlphabet.length)];
  return withCheckCharacter(body);
}
