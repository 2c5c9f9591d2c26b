// Card numbers: 11 random characters and one check character from a 31-letter alphabet, written in
// groups of four (ABCD-EFGH-JKLM). 31 is prime and the weights 1..12 are distinct and below 31, so a
// weighted sum mod 31 catches every single wrong character and every swap of two different characters
// within 30 places, neighbours included (docs/decisions/0001-card-number.md).
// Pure and free of Node's modules: the web app (web/) checks a number as it is typed with this same code.

export const cardAlphabet = '0123456789ABCDEFGHJKMNPQRTUVWXY';
const modulus = cardAlphabet.length; // 31
const bodyLength = 11;
export const cardNumberLength = bodyLength + 1;

// Letters people confuse with digits are read as the digit, so a number typed from the cardboard still works.
const lookalikes: Record<string, string> = { O: '0', I: '1', L: '1', S: '5', Z: '2' };

const characterValue = new Map([...cardAlphabet].map((char, index) => [char, index]));

function checkValue(values: readonly number[]): number {
  // Choose c so that sum(i * v_i) + 12 * c == 0 (mod 31); 12 * 13 = 156 = 1 (mod 31), so 13 inverts 12.
  const sum = values.reduce((acc, value, index) => acc + (index + 1) * value, 0);
  return (((-sum * 13) % modulus) + modulus) % modulus;
}

function format(compact: string): string {
  return compact.match(/.{1,4}/g)!.join('-');
}

export type CardNumberProblem = 'length' | 'character' | 'check';

/** Accepts any case, spaces and dashes; answers the canonical form or what is wrong with the input. */
export function parseCardNumber(input: string): { cardNumber: string } | { problem: CardNumberProblem } {
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[OILSZ]/g, (char) => lookalikes[char]!);
  if (compact.length !== cardNumberLength) return { problem: 'length' };
  const values: number[] = [];
  for (const char of compact) {
    const value = characterValue.get(char);
    if (value === undefined) return { problem: 'character' };
    values.push(value);
  }
  if (checkValue(values.slice(0, bodyLength)) !== values[bodyLength]) return { problem: 'check' };
  return { cardNumber: format(compact) };
}

export function isValidCardNumber(input: string): boolean {
  return 'cardNumber' in parseCardNumber(input);
}

/** Appends the check character to an 11-character body (used by the generator and the tests). */
export function withCheckCharacter(body: string): string {
  const values = [...body].map((char) => {
    const value = characterValue.get(char);
    if (value === undefined) throw new Error(`not a card character: ${char}`);
    return value;
  });
  if (values.length !== bodyLength) throw new Error(`a card body has ${bodyLength} characters`);
  return format(body + cardAlphabet[checkValue(values)]);
}

export const cardNumberProblems: Record<CardNumberProblem, string> = {
  length: `must have ${cardNumberLength} letters and digits (separators are ignored)`,
  character: `may hold only the characters ${cardAlphabet}`,
  check: 'has a wrong check character: probably a typing error',
};
