// Issue 17, findings 1 and 2: the free-text guard (shared/lib/free-text.ts) refuses identity codes in the
// disguises a security test stored through the API, and in any combination of them (property test), while
// ordinary numbers (phone numbers, dates with times, amounts, bank accounts) pass; and it refuses control
// and bidirectional formatting characters in every free-text field with VALIDATION_FAILED.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCardNumber } from '../../shared/contract/card-number.ts';
import {
  createNationalOrganisation,
  createOrganisation,
  recordUsage,
  rejectApplication,
  rejectPendingApplications,
  submitApplication,
  updateOrganisation,
} from '../../shared/contract/schemas.ts';
import { containsPersonalIdentityCode, forbiddenCharacterProblem } from '../../shared/lib/free-text.ts';
import { check, type Schema } from '../../shared/lib/schema.ts';

const checkCharacters = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const checkOf = (nineDigits: string) => checkCharacters[Number(nineDigits) % 31]!;

// The disguises the security test stored (21 of 31 forms), for the real code 131052-308T.
const storedBefore = [
  '١٣١٠٥٢-٣٠٨T', // Arabic-Indic digits
  '۱۳۱۰۵۲-۳۰۸T', // Persian digits
  '१३१०५२-३०८T', // Devanagari digits
  '๑๓๑๐๕๒-๓๐๘T', // Thai digits
  '131052/308T',
  '131052.308T',
  '131052_308T',
  '131052:308T',
  '13.10.52-308T',
  '13/10/52 308T',
  '1 3 1 0 5 2 - 3 0 8 T', // spaced digits
  '1 3 1 0 5 2 3 0 8 T',
  '1\u03083\u03081\u03080\u03085\u03082\u0308-3\u03080\u03088\u0308T', // combining marks
  '1\uFE0F3\uFE0F1\uFE0F0\uFE0F5\uFE0F2-3\uFE0F0\uFE0F8T', // variation selectors
  '1\u034F3\u034F1\u034F0\u034F5\u034F2\u034F-\u034F3\u034F0\u034F8\u034FT', // U+034F
  '131O52-3O8T', // the letter O for a zero
  '131o52 3o8t',
  'Hakija 131052/308T kiitos',
  '131052.308t@example.org',
  '𝟏𝟑𝟏𝟎𝟓𝟐-𝟑𝟎𝟖T', // mathematical digits
  '131052-308Т', // Cyrillic Т as the check character
  '\u{E0031}\u{E0033}\u{E0031}\u{E0030}\u{E0035}\u{E0032}\u{E002D}\u{E0033}\u{E0030}\u{E0038}\u{E0054}', // tags
];

// What must pass: contact phone numbers, dates and times in event names, amounts, accounts, postal addresses.
const innocent = [
  'Kulttuurikeskus Stoa',
  'Ääkkönen-Öhman',
  '+358 40 123 4567',
  '040 123 4567',
  '040 1234567',
  '040-123 45 67',
  '09 310 1641',
  'Konsertti 26.11.2026 klo 19:00',
  'Konsertti 26.11.26 12:00',
  'ticket 2026-11-30 12:00',
  'Näytös 1.12. klo 9.30-11.00',
  'Hinta 1 310 523,08 €',
  'FI21 1234 5600 0007 85',
  'Kauppakatu 13, 53100 Lappeenranta',
  'order 123456789',
  '12345678901234',
  'Orkesteri OOO',
  'info@example.org',
];

describe('the identity-code guard', () => {
  it.each(storedBefore)('refuses %j', (text) => expect(containsPersonalIdentityCode(text)).toBe(true));
  it.each(innocent)('lets %j pass', (text) => expect(containsPersonalIdentityCode(text)).toBe(false));

  // Each script's zero: the code's digits may come from any of them, mixed.
  const zeros = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xed0, 0x1810, 0xff10, 0x1d7ce, 0x1d7f6, 0x1e950];
  const digitIn = (digit: string) =>
    fc.oneof(
      fc.constantFrom(...zeros).map((zero) => String.fromCodePoint(zero + Number(digit))),
      fc.constant(digit === '0' ? 'O' : digit),
    );
  const invisible = fc.constantFrom(
    '\u034F',
    '\uFE0F',
    '\uFE00',
    '\u200B',
    '\u200D',
    '\u00AD',
    '\u0308',
    '\u0301',
  );
  const separator = fc.constantFrom('/', '.', '_', ':', ' ', '-', '\u2013', '\u00A0', '\u3000');
  const centurySign = fc.constantFrom('-', '+', 'A', 'B', 'C', 'D', 'E', 'F', 'U', 'V', 'W', 'X', 'Y');
  const realCode = fc
    .record({
      day: fc.integer({ min: 1, max: 28 }),
      month: fc.integer({ min: 1, max: 12 }),
      year: fc.integer({ min: 0, max: 99 }),
      individual: fc.integer({ min: 2, max: 899 }),
    })
    .map(({ day, month, year, individual }) => {
      const date = [day, month, year].map((n) => String(n).padStart(2, '0')).join('');
      const individualDigits = String(individual).padStart(3, '0');
      return { date, individual: individualDigits, check: checkOf(date + individualDigits) };
    });
  const disguised = realCode.chain(({ date, individual, check }) =>
    fc
      .record({
        date: fc.tuple(...[...date].map(digitIn)),
        individual: fc.tuple(...[...individual].map(digitIn)),
        dateForm: fc.constantFrom('together', 'day month year', 'one by one'),
        dateSeparator: separator,
        middle: fc.oneof(
          centurySign,
          separator,
          fc.tuple(centurySign, separator).map(([sign, around]) => `${around}${sign}${around}`),
          fc.constant(''),
        ),
        restForm: fc.constantFrom('together', 'three and one', 'one by one'),
        checkCase: fc.boolean(),
        invisibles: fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 6 }),
        before: fc.constantFrom('', 'Hakija ', 'nimi: ', '(', 'tiedot/'),
        after: fc.constantFrom('', ' kiitos', '@example.org', ')', '.'),
      })
      .map((d) => {
        const digits = d.date;
        const head =
          d.dateForm === 'together'
            ? digits.join('')
            : d.dateForm === 'day month year'
              ? [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4)]
                  .map((p) => p.join(''))
                  .join(d.dateSeparator)
              : digits.join(' ');
        const checkCharacter = d.checkCase ? check.toLowerCase() : check;
        const rest =
          d.restForm === 'together'
            ? d.individual.join('') + checkCharacter
            : d.restForm === 'three and one'
              ? `${d.individual.join('')} ${checkCharacter}`
              : [...d.individual, checkCharacter].join(' ');
        // Invisible characters go between any two characters of the code (never around its ends).
        const characters = [...`${head}${d.middle}${rest}`];
        for (const [at, mark] of d.invisibles) {
          const index = 1 + (at % Math.max(1, characters.length - 1));
          characters.splice(index, 0, mark);
        }
        return `${d.before}${characters.join('')}${d.after}`;
      }),
  );

  it('refuses a real code in any combination of the disguises (property)', () => {
    fc.assert(
      fc.property(disguised, (text) => {
        expect(containsPersonalIdentityCode(text), JSON.stringify(text)).toBe(true);
        const result = check(createOrganisation, {
          kind: 'venue',
          name: text,
          municipalityCode: '049',
          contactEmail: 'a@example.org',
        });
        expect('error' in result && result.error.code).toBe('PERSONAL_DATA_NOT_ALLOWED');
      }),
      { numRuns: 2000 },
    );
  });

  // Ordinary numbers, however they are written, pass: phone numbers, dates with times, amounts.
  const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
  const digitsOf = (length: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));
  const ordinary = fc.oneof(
    fc.tuple(digitsOf(2), digitsOf(3), digitsOf(4)).map(([a, b, c]) => `+358 ${a} ${b} ${c}`),
    fc.tuple(digitsOf(2), digitsOf(3), digitsOf(4)).map(([a, b, c]) => `0${a} ${b} ${c}`),
    fc.tuple(digitsOf(2), digitsOf(7)).map(([a, b]) => `0${a} ${b}`),
    fc
      .tuple(digitsOf(2), digitsOf(3), digitsOf(2), digitsOf(2))
      .map(([a, b, c, d]) => `0${a}-${b} ${c} ${d}`),
    fc
      .tuple(
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 1, max: 12 }),
        twoDigits,
        twoDigits,
        twoDigits,
      )
      .map(([d, m, y, hh, mm]) => `Konsertti ${d}.${m}.${y} ${hh}:${mm}`),
    fc
      .tuple(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 12 }), twoDigits, twoDigits)
      .map(([d, m, hh, mm]) => `Esitys ${d}.${m}.2026 klo ${hh}.${mm}-${hh}.${mm}`),
    fc
      .tuple(twoDigits, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), twoDigits)
      .map(([y, m, d, hh]) => `20${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')} ${hh}:00`),
    fc
      .tuple(fc.integer({ min: 0, max: 9_999_999 }), twoDigits)
      .map(([euros, cents]) => `${euros.toLocaleString('fi-FI')},${cents} €`),
    fc
      .tuple(digitsOf(2), digitsOf(4), digitsOf(4), digitsOf(4), digitsOf(2))
      .map((groups) => `FI${groups.join(' ')}`),
  );

  it('lets phone numbers, dates with times, amounts and accounts pass (property)', () => {
    fc.assert(
      fc.property(ordinary, (text) => {
        expect(containsPersonalIdentityCode(text), JSON.stringify(text)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('control and bidirectional characters in free text', () => {
  const refused = [
    '\u202E', // right-to-left override
    '\u202A',
    '\u2066',
    '\u2069',
    '\u200F',
    '\u061C',
    '\u0000', // NUL
    '\u0007', // BEL
    '\u001B[31m', // an ESC sequence
    '\r\n',
    '\n',
    '\t',
    '\u0085',
    '\u2028',
    '\uD800', // a lone surrogate
    '\uDC00',
    '\uFFFF',
  ];

  // Every free-text field of the contract, each with a body that is valid around it.
  const contact = { name: 'Anna Virtanen', email: 'anna@example.org', phone: '+358 40 123 4567' };
  const fields: [string, Schema<unknown>, (text: string) => unknown][] = [
    [
      'areaName',
      submitApplication,
      (text) => ({
        areaName: text,
        municipalityCodes: ['049'],
        welfareArea: 'LU',
        contacts: { culture: contact, social: contact },
      }),
    ],
    [
      'contacts.culture.name',
      submitApplication,
      (text) => ({
        areaName: 'Alue',
        municipalityCodes: ['049'],
        welfareArea: 'LU',
        contacts: { culture: { ...contact, name: text }, social: contact },
      }),
    ],
    [
      'contacts.social.email',
      submitApplication,
      (text) => ({
        areaName: 'Alue',
        municipalityCodes: ['049'],
        welfareArea: 'LU',
        contacts: { culture: contact, social: { ...contact, email: `a${text}b@example.org` } },
      }),
    ],
    [
      'eventName',
      recordUsage,
      (text) => ({
        cardNumber: generateCardNumber(),
        sector: 'culture',
        adults: 1,
        children: 0,
        eventName: text,
      }),
    ],
    ['reason', rejectApplication, (text) => ({ reason: text })],
    ['reason', rejectPendingApplications, (text) => ({ reason: text, ids: ['a'] })],
    [
      'name',
      createOrganisation,
      (text) => ({ kind: 'venue', name: text, municipalityCode: '049', contactEmail: 'a@example.org' }),
    ],
    ['name', updateOrganisation, (text) => ({ name: text })],
    ['name', createNationalOrganisation, (text) => ({ name: text, contactEmail: 'a@example.org' })],
  ];

  it.each(refused)('refuses %j in every free-text field with VALIDATION_FAILED naming the field', (bad) => {
    expect(forbiddenCharacterProblem(`Nimi${bad}Toinen`)).toBeDefined();
    for (const [field, schema, body] of fields) {
      const accepted = check(schema, body('Kulttuurikeskus'));
      if (!('value' in accepted)) throw new Error(`${field}: the valid body is refused`);
      const result = check(schema, body(`Kulttuuri${bad}keskus`));
      expect('error' in result && result.error.code, field).toBe('VALIDATION_FAILED');
      if ('error' in result) expect(result.error.details?.map((detail) => detail.field)).toContain(field);
    }
  });

  it('lets letters of every script, emoji and joiners pass', () => {
    for (const text of ['Ääkkönen', 'Ἀθῆναι', 'Москва', 'مرحبا', 'नमस्ते', '東京', '👩‍👩‍👧', 'क्‍ष']) {
      expect(forbiddenCharacterProblem(text), text).toBeUndefined();
      expect(containsPersonalIdentityCode(text), text).toBe(false);
    }
  });
});
