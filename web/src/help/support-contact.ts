// The national centre's support contact: the one place it is set. Every page's footer and the help page
// read it from here.
// PLACEHOLDER: neither this repository nor the scheme's public facts (docs, the domain notes) give the
// national centre's real support address and number. Replace both values with the real ones before going
// live; the number below is not in service.
export const supportContact = {
  email: 'tuki@kaikukortti.fi',
  /** As people read it; the tel: link drops the spaces. */
  phone: '+358 10 000 0000',
} as const;

export const telLink = (phone: string) => `tel:${phone.replace(/[^+\d]/g, '')}`;
