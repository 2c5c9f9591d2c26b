import { describe, expect, it } from 'vitest';
import {
  cardAlphabet,
  cardNumberLength,
  cardNumberProblems,
  generateCardNumber,
  isValidCardNumber,
  parseCardNumber,
  withCheckCharacter,
} from '../../shared/contract/card-number.ts';
import { seededRandom } from './helpers.ts';

const canonical = /^[0-9A-HJKMNPQRTUVWXY]{4}-[0-9A-HJKMNPQRTUVWXY]{4}-[0-9A-HJKMNPQRTUVWXY]{4}$/;
const compact = (cardNumber: string) => cardNumber.replace(/-/g, '');

/** 2,000 valid numbers from a fixed seed: the same sample on every run. */
function sample(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const numbers: string[] = [];
  for (let n = 0; n < count; n++) {
    let body = '';
    for (let i = 0; i < cardNumberLength - 1; i++) body += random.pick([...cardAlphabet]);
    numbers.push(compact(withCheckCharacter(body)));
  }
  return numbers;
}

const numbers = sample(2000, 20260501);

describe('card number alphabet', () => {
  it('has 31 characters (a prime), no duplicates and none of the lookalike letters O I L S Z', () => {
    expect(cardAlphabet).toHaveLength(31);
    expect(new Set(cardAlphabet).size).toBe(31);
    for (const letter of 'OILSZ') expect(cardAlphabet).not.toContain(letter);
    expect(cardNumberLength).toBe(12);
  });
});

describe('check character', () => {
  it('every sampled number is valid and in canonical form', () => {
    for (const number of numbers) {
      const parsed = parseCardNumber(number);
      expect(parsed).toEqual({
        cardNumber: `${number.slice(0, 4)}-${number.slice(4, 8)}-${number.slice(8)}`,
      });
    }
  });

  it('catches every single-character substitution (2,000 numbers x 12 positions x 30 other characters)', () => {
    const missed: string[] = [];
    let tried = 0;
    for (const number of numbers) {
      for (let position = 0; position < number.length; position++) {
        for (const other of cardAlphabet) {
          if (other === number[position]) continue;
          const typo = number.slice(0, position) + other + number.slice(position + 1);
          tried++;
          const parsed = parseCardNumber(typo);
          if (!('problem' in parsed) || parsed.problem !== 'check') missed.push(`${number} -> ${typo}`);
        }
      }
    }
    expect(tried).toBe(2000 * 12 * 30);
    expect(missed).toEqual([]);
  });

  it('catches every swap of two neighbouring different characters', () => {
    const missed: string[] = [];
    let tried = 0;
    for (const number of numbers) {
      for (let position = 0; position + 1 < number.length; position++) {
        const a = number[position]!;
        const b = number[position + 1]!;
        if (a === b) continue;
        const swapped = number.slice(0, position) + b + a + number.slice(position + 2);
        tried++;
        const parsed = parseCardNumber(swapped);
        if (!('problem' in parsed) || parsed.problem !== 'check') missed.push(`${number} -> ${swapped}`);
      }
    }
    expect(tried).toBeGreaterThan(2000 * 10);
    expect(missed).toEqual([]);
  });

  it('catches every swap of two different characters at any distance, the check character included', () => {
    const missed: string[] = [];
    for (const number of numbers.slice(0, 500)) {
      for (let i = 0; i < number.length; i++) {
        for (let j = i + 1; j < number.length; j++) {
          if (number[i] === number[j]) continue;
          const chars = [...number];
          [chars[i], chars[j]] = [chars[j]!, chars[i]!];
          if (isValidCardNumber(chars.join(''))) missed.push(`${number} -> ${chars.join('')}`);
        }
      }
    }
    expect(missed).toEqual([]);
  });

  it('exactly one of the 31 possible last characters completes a body', () => {
    for (const number of numbers.slice(0, 200)) {
      const body = number.slice(0, 11);
      const valid = [...cardAlphabet].filter((last) => isValidCardNumber(body + last));
      expect(valid).toEqual([number[11]]);
    }
  });
});

describe('parseCardNumber: lenient input, canonical output', () => {
  const number = withCheckCharacter('7KQ3XW9AM2H');
  const plain = compact(number);

  it('answers XXXX-XXXX-XXXX', () => {
    expect(number).toMatch(canonical);
    expect(parseCardNumber(plain)).toEqual({ cardNumber: number });
  });

  it('accepts lower case, spaces, tabs and dashes anywhere', () => {
    for (const input of [
      plain.toLowerCase(),
      number.toLowerCase(),
      `${plain.slice(0, 4)} ${plain.slice(4, 8)} ${plain.slice(8)}`,
      `  ${number}  `,
      plain.split('').join('-'),
      plain.split('').join(' '),
      `${plain.slice(0, 6)}\t${plain.slice(6)}`,
      `--${plain.slice(0, 3)}- -${plain.slice(3)}--`,
    ]) {
      expect(parseCardNumber(input), input).toEqual({ cardNumber: number });
    }
  });

  it('reads the lookalike letters O I L S Z as the digits 0 1 1 5 2', () => {
    const body = '0115201152A';
    const expected = withCheckCharacter(body);
    const check = expected.slice(-1);
    for (const typed of ['OILSZOLIS2A', 'oilszolisza', '0i1s2O1L5zA', 'O1L5-ZOIL-SZA', 'o1l5 zoil sza']) {
      const input = typed + check;
      expect(parseCardNumber(input), input).toEqual({ cardNumber: expected });
    }
    expect(compact(expected)).not.toMatch(/[OILSZ]/);
  });

  it('gives the same canonical form for every accepted spelling of random numbers', () => {
    const random = seededRandom(7);
    const swaps: Record<string, string[]> = {
      '0': ['o', 'O'],
      '1': ['i', 'I', 'l', 'L'],
      '5': ['s', 'S'],
      '2': ['z', 'Z'],
    };
    for (const number of numbers.slice(0, 500)) {
      let typed = '';
      for (const char of number) {
        const lookalikes = swaps[char];
        const spelled = lookalikes && random.next() < 0.5 ? random.pick(lookalikes) : char;
        typed += random.next() < 0.5 ? spelled.toLowerCase() : spelled;
        if (random.next() < 0.2) typed += random.pick([' ', '-', '  ', ' - ']);
      }
      const expected = `${number.slice(0, 4)}-${number.slice(4, 8)}-${number.slice(8)}`;
      expect(parseCardNumber(typed), typed).toEqual({ cardNumber: expected });
    }
  });

  it('refuses a wrong length, counting only letters and digits', () => {
    expect(parseCardNumber('')).toEqual({ problem: 'length' });
    expect(parseCardNumber('----')).toEqual({ problem: 'length' });
    expect(parseCardNumber(plain.slice(0, 11))).toEqual({ problem: 'length' });
    expect(parseCardNumber(`${plain}0`)).toEqual({ problem: 'length' });
    expect(parseCardNumber(`${number}-`)).toEqual({ cardNumber: number });
  });

  it('refuses characters outside the alphabet', () => {
    for (const bad of ['!', 'Ä', 'å', '.', '_', '/', '–']) {
      const input = `${plain.slice(0, 5)}${bad}${plain.slice(6)}`;
      expect(parseCardNumber(input), input).toEqual({ problem: 'character' });
    }
  });

  it('refuses a wrong check character', () => {
    const wrong = plain.slice(0, 11) + (plain[11] === '0' ? '1' : '0');
    expect(parseCardNumber(wrong)).toEqual({ problem: 'check' });
    expect(isValidCardNumber(wrong)).toBe(false);
    expect(isValidCardNumber(plain)).toBe(true);
  });

  it('explains each problem to the client', () => {
    expect(cardNumberProblems.length).toMatch(/12/);
    expect(cardNumberProblems.character).toContain(cardAlphabet);
    expect(cardNumberProblems.check).toMatch(/check/);
  });
});

describe('withCheckCharacter', () => {
  it('refuses a body of the wrong length or with a foreign character', () => {
    expect(() => withCheckCharacter('ABC')).toThrow(/11 characters/);
    expect(() => withCheckCharacter('0123456789AB')).toThrow(/11 characters/);
    expect(() => withCheckCharacter('0123456789O')).toThrow(/not a card character/);
  });
});

describe('generateCardNumber', () => {
  const generated = Array.from({ length: 10_000 }, () => generateCardNumber());

  it('always makes valid numbers in canonical form', () => {
    for (const number of generated) {
      expect(number).toMatch(canonical);
      expect(parseCardNumber(number)).toEqual({ cardNumber: number });
    }
  });

  it('makes distinct numbers', () => {
    expect(new Set(generated).size).toBe(generated.length);
  });

  it('uses the whole alphabet in the random part', () => {
    const seen = new Set(generated.flatMap((number) => [...compact(number).slice(0, 11)]));
    expect([...seen].sort().join('')).toBe([...cardAlphabet].sort().join(''));
  });
});
