// The free-text guard: every name, reason, event name and contact field of the contract goes through it
// (schema.ts `string({freeText: true})`). Two refusals: characters that can spoof what an administrator
// reads or reach a terminal (control and bidirectional formatting characters), and anything shaped like a
// Finnish personal identity code, however it is disguised. What it still cannot see is listed in
// docs/decisions/0018-free-text-guard.md.

// Controls (NUL, BEL, ESC, CR, LF, tab, C1), line and paragraph separators, the bidirectional embeddings,
// overrides, isolates and marks, and the noncharacters. Lone surrogates are found by isWellFormed.
const forbidden =
  /[\p{Cc}\p{Zl}\p{Zp}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFDD0-\uFDEF\uFFFE\uFFFF]|[\u{1FFFE}-\u{1FFFF}\u{10FFFE}\u{10FFFF}]/u;

/** Why the text may not be stored as free text, or undefined when it may. */
export function forbiddenCharacterProblem(text: string): string | undefined {
  if (!text.isWellFormed()) return 'must not contain an unpaired surrogate';
  const found = forbidden.exec(text);
  if (!found) return undefined;
  const codePoint = found[0].codePointAt(0) ?? 0;
  return `must not contain control or bidirectional formatting characters (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')})`;
}

// Unicode encodes every script's decimal digits as runs of ten, zero to nine (a stability guarantee), so
// a digit's value is its distance from the start of its run, modulo ten (the mathematical digits are five
// such runs back to back).
const decimalDigit = /\p{Nd}/u;
function asciiDigit(character: string): string {
  let codePoint = character.codePointAt(0) ?? 0;
  let distance = 0;
  while (codePoint > 0 && decimalDigit.test(String.fromCodePoint(codePoint - 1))) {
    codePoint--;
    distance++;
  }
  return String(distance % 10);
}

// Letters that pass for a digit or for a letter of the code: Latin, Cyrillic and Greek O for a zero, and
// the Cyrillic and Greek capitals that look like the Latin ones used as century signs and check characters.
const lookalikes: Readonly<Record<string, string>> = {
  O: '0',
  o: '0',
  О: '0',
  о: '0',
  Ο: '0',
  ο: '0',
  А: 'A',
  В: 'B',
  С: 'C',
  Е: 'E',
  Н: 'H',
  К: 'K',
  М: 'M',
  Р: 'P',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Η: 'H',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ρ: 'P',
  Τ: 'T',
  Χ: 'X',
  Υ: 'Y',
};

// Tag characters spell ASCII invisibly (U+E0031 is a hidden "1"): read as what they spell.
const tagCharacters = /[\u{E0020}-\u{E007E}]/gu;
// Format characters (zero-width spaces and joiners, soft hyphen, direction marks, the rest of the tags),
// combining marks (U+034F, variation selectors, accents stacked on digits) and the Hangul fillers.
const invisible = /[\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0]/gu;
const digitsAndLookalikes = /[\p{Nd}OoОоΟοАВСЕНКМРТХУΑΒΕΗΚΜΝΡΤΧΥ]/gu;
const dashes = /[\p{Pd}\u2212\u2043\uFE63\uFF0D]/gu;
const spaces = /[\s\p{Zs}]+/gu;
// Spaces, punctuation (dashes, dots, slashes, underscores, colons) and symbols (+): one separator.
const separators = /[\s\p{Z}\p{P}\p{S}]+/gu;

/**
 * The text as the guard reads it: compatibility forms folded (NFKD: NFKC without the composing step, so that
 * a mark put on a letter comes off again, Ä is A), every script's digits as ASCII digits,
 * lookalike letters as what they pass for, upper case, invisible and combining characters removed, one
 * kind of dash and of space.
 */
export function normalisedForGuard(text: string): string {
  return text
    .normalize('NFKD')
    .replace(tagCharacters, (tag) => String.fromCodePoint((tag.codePointAt(0) ?? 0) - 0xe0000))
    .replace(invisible, '')
    .replace(digitsAndLookalikes, (character) =>
      decimalDigit.test(character) ? asciiDigit(character) : (lookalikes[character] ?? character),
    )
    .toUpperCase()
    .replace(dashes, '-')
    .replace(spaces, ' ');
}

// The code as written: DDMMYY, the century sign, three digits and the check character. Refused as soon as
// it has this shape, whatever its date or check character (a mistyped code is personal data too).
const plainCode = /\d{6} ?[-+A-FU-Y] ?\d{3}[0-9A-Y]/;
// In disguise: the date as 6 digits, as DD MM YY, or one digit at a time; then a century sign, a
// separator in its place, or nothing; then the three digits and the check character, together, as 3 + 1,
// or one at a time. Separators elsewhere would make ordinary numbers (phone numbers, dates with times)
// look like codes; so only these groupings count, and only with a real date and the right check character.
const date = String.raw`\d{6}|\d\d \d\d \d\d|\d(?: \d){5}`;
const middle = ' ?[-+A-FU-Y]? ?';
const rest = String.raw`\d{3}[0-9A-Y]|\d{3} [0-9A-Y]|\d(?: \d){2} [0-9A-Y]`;
const disguisedCode = new RegExp(String.raw`(?<!\d)(?=((?:${date})${middle}(?:${rest}))(?!\d))`, 'g');
const checkCharacters = '0123456789ABCDEFHJKLMNPRSTUVWXY';

function isRealCode(candidate: string): boolean {
  const compact = candidate.replace(/ /g, '');
  const digits = compact.slice(0, 6) + compact.slice(-4, -1);
  const check = compact.slice(-1);
  const day = Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  return day >= 1 && day <= 31 && month >= 1 && month <= 12 && checkCharacters[Number(digits) % 31] === check;
}

export function containsPersonalIdentityCode(text: string): boolean {
  const normalised = normalisedForGuard(text);
  if (plainCode.test(normalised)) return true;
  const separated = normalised.replace(separators, ' ');
  for (const match of separated.matchAll(disguisedCode)) if (isRealCode(match[1] ?? '')) return true;
  return false;
}
