// The personal-data guard: identity codes are refused in every free-text, name, e-mail and phone field,
// however they are disguised; ordinary text, numbers and phone numbers pass.
import { describe, expect, it } from 'vitest';
import { submitApplication } from '../../shared/contract/schemas.ts';
import { check, containsPersonalIdentityCode } from '../../shared/lib/schema.ts';

const disguised = [
  '131052-308T',
  '131052+308T',
  '131052A308T',
  '131052308T',
  '131052 308T',
  'call 131052 - 308t please',
  '131052\u2013308T', // en dash
  '131052\u2212308T', // minus sign
  '131052\u2011308T', // non-breaking hyphen
  '131052\u00A0-\u00A0308T', // no-break spaces
  '1310\u200B52-308T', // zero-width space
  '131052\u00AD-308T', // soft hyphen
  '\uFF11\uFF13\uFF11\uFF10\uFF15\uFF12-\uFF13\uFF10\uFF18\uFF34', // full-width
  '131052\uFF0D308T', // full-width hyphen
];
const innocent = [
  'Kulttuurikeskus Stoa',
  '+358 40 123 4567',
  '040 1234567',
  '09 310 1641',
  'ticket 2026-11-30 12:00',
  'order 123456789',
  '12345678901234',
  'info@example.org',
];

describe('the identity-code guard', () => {
  it.each(disguised)('finds %j', (text) => expect(containsPersonalIdentityCode(text)).toBe(true));
  it.each(innocent)('lets %j pass', (text) => expect(containsPersonalIdentityCode(text)).toBe(false));

  it('refuses identity codes in e-mail and phone fields too, as PERSONAL_DATA_NOT_ALLOWED', () => {
    const application = (contact: Record<string, string>) => ({
      areaName: 'Alue',
      municipalityCodes: ['049'],
      welfareArea: 'LU',
      contacts: {
        culture: { name: 'A', email: 'a@example.org', ...contact },
        social: { name: 'B', email: 'b@example.org' },
      },
    });
    for (const contact of [
      { email: '131052-308T@example.org' },
      { phone: '131052308T' },
      { phone: '131052 308T' },
    ] as Record<string, string>[]) {
      const result = check(submitApplication, application(contact));
      expect('error' in result && result.error.code, JSON.stringify(contact)).toBe(
        'PERSONAL_DATA_NOT_ALLOWED',
      );
    }
    expect('value' in check(submitApplication, application({ phone: '+358 40 123 4567' }))).toBe(true);
  });
});
