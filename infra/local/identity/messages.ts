// The sign-in pages' and the invitation's words, in Finnish, Swedish and English.
export const languages = ['fi', 'sv', 'en'] as const;
export type Language = (typeof languages)[number];

const fi = {
  languageName: 'Suomeksi',
  languageLabel: 'Kieli',
  serviceName: 'Kaikukortti',
  signInTitle: 'Kirjaudu sisään',
  signInIntro: 'Kirjaudu Kaikukortin rekisteriin työsähköpostiosoitteellasi.',
  email: 'Sähköposti',
  password: 'Salasana',
  signIn: 'Kirjaudu',
  or: 'tai',
  passkeySignIn: 'Kirjaudu pääsyavaimella',
  passkeyHint: 'Pääsyavain on puhelimessa, tietokoneessa tai turva-avaimessa.',
  newPasswordTitle: 'Valitse uusi salasana',
  newPasswordIntro: 'Kirjaudut ensimmäistä kertaa kutsun tilapäisellä salasanalla. Valitse oma salasana.',
  newPassword: 'Uusi salasana',
  confirmPassword: 'Uusi salasana uudelleen',
  passwordRules: 'Vähintään 8 merkkiä: iso ja pieni kirjain, numero ja erikoismerkki.',
  setPassword: 'Tallenna salasana',
  codeTitle: 'Vahvistuskoodi',
  codeIntro: 'Anna todennussovelluksen näyttämä kuusinumeroinen koodi.',
  code: 'Koodi',
  verify: 'Vahvista',
  wrongCredentials: 'Sähköposti tai salasana on väärin.',
  locked: 'Liian monta epäonnistunutta yritystä. Odota hetki ja yritä uudelleen.',
  disabled: 'Käyttäjätunnus on poistettu käytöstä. Ota yhteys organisaatiosi pääkäyttäjään.',
  wrongCode: 'Koodi on väärin tai vanhentunut.',
  codeFormat: 'Koodi on kuusi numeroa.',
  mismatch: 'Salasanat eivät ole samat.',
  weakPassword:
    'Salasana ei täytä vaatimuksia: vähintään 8 merkkiä, iso ja pieni kirjain, numero ja erikoismerkki.',
  sessionExpired: 'Kirjautuminen vanhentui. Aloita alusta.',
  temporaryExpired: 'Tilapäinen salasana on vanhentunut. Pyydä uusi kutsu organisaatiosi pääkäyttäjältä.',
  passkeyFailed: 'Kirjautuminen pääsyavaimella ei onnistunut.',
  passkeyUnsupported: 'Tämä selain ei tue pääsyavaimia.',
  badRequestTitle: 'Kirjautumispyyntö ei kelpaa',
  badRequest: 'Sovellus lähetti virheellisen kirjautumispyynnön.',
  backToStart: 'Palaa sovellukseen',
  inviteSubject: 'Kutsu Kaikukortin rekisteriin',
  inviteBody: (name: string, link: string, username: string, password: string) =>
    `Hei ${name},\n\nsinut on kutsuttu Kaikukortin rekisteriin.\nKirjaudu osoitteessa ${link}\nKäyttäjätunnus: ${username}\nTilapäinen salasana: ${password}\n\nValitset oman salasanan ensimmäisellä kirjautumisella. Tilapäinen salasana on voimassa 7 päivää.`,
};

type Messages = typeof fi;

const sv: Messages = {
  languageName: 'På svenska',
  languageLabel: 'Språk',
  serviceName: 'Kaikukortet',
  signInTitle: 'Logga in',
  signInIntro: 'Logga in i Kaikukortets register med din e-postadress på arbetet.',
  email: 'E-post',
  password: 'Lösenord',
  signIn: 'Logga in',
  or: 'eller',
  passkeySignIn: 'Logga in med nyckel',
  passkeyHint: 'Nyckeln (passkey) finns i telefonen, datorn eller en säkerhetsnyckel.',
  newPasswordTitle: 'Välj ett nytt lösenord',
  newPasswordIntro:
    'Du loggar in för första gången med inbjudans tillfälliga lösenord. Välj ett eget lösenord.',
  newPassword: 'Nytt lösenord',
  confirmPassword: 'Nytt lösenord igen',
  passwordRules: 'Minst 8 tecken: stor och liten bokstav, siffra och specialtecken.',
  setPassword: 'Spara lösenordet',
  codeTitle: 'Verifieringskod',
  codeIntro: 'Ange den sexsiffriga koden som autentiseringsappen visar.',
  code: 'Kod',
  verify: 'Verifiera',
  wrongCredentials: 'E-postadressen eller lösenordet är fel.',
  locked: 'För många misslyckade försök. Vänta en stund och försök igen.',
  disabled: 'Användarkontot har inaktiverats. Kontakta din organisations huvudanvändare.',
  wrongCode: 'Koden är fel eller har gått ut.',
  codeFormat: 'Koden består av sex siffror.',
  mismatch: 'Lösenorden är inte likadana.',
  weakPassword:
    'Lösenordet uppfyller inte kraven: minst 8 tecken, stor och liten bokstav, siffra och specialtecken.',
  sessionExpired: 'Inloggningen gick ut. Börja om från början.',
  temporaryExpired:
    'Det tillfälliga lösenordet har gått ut. Be din organisations huvudanvändare om en ny inbjudan.',
  passkeyFailed: 'Inloggningen med nyckel misslyckades.',
  passkeyUnsupported: 'Den här webbläsaren stöder inte nycklar (passkeys).',
  badRequestTitle: 'Inloggningsbegäran är ogiltig',
  badRequest: 'Appen skickade en felaktig inloggningsbegäran.',
  backToStart: 'Tillbaka till appen',
  inviteSubject: 'Inbjudan till Kaikukortets register',
  inviteBody: (name, link, username, password) =>
    `Hej ${name},\n\ndu har bjudits in till Kaikukortets register.\nLogga in på ${link}\nAnvändarnamn: ${username}\nTillfälligt lösenord: ${password}\n\nDu väljer ett eget lösenord när du loggar in första gången. Det tillfälliga lösenordet gäller i 7 dagar.`,
};

const en: Messages = {
  languageName: 'In English',
  languageLabel: 'Language',
  serviceName: 'Kaikukortti',
  signInTitle: 'Sign in',
  signInIntro: 'Sign in to the Kaikukortti register with your work e-mail address.',
  email: 'E-mail',
  password: 'Password',
  signIn: 'Sign in',
  or: 'or',
  passkeySignIn: 'Sign in with a passkey',
  passkeyHint: 'A passkey is kept on your phone, your computer or a security key.',
  newPasswordTitle: 'Choose a new password',
  newPasswordIntro:
    'You are signing in for the first time with the temporary password of your invitation. Choose your own password.',
  newPassword: 'New password',
  confirmPassword: 'New password again',
  passwordRules: 'At least 8 characters: an upper-case and a lower-case letter, a digit and a symbol.',
  setPassword: 'Save the password',
  codeTitle: 'Verification code',
  codeIntro: 'Enter the six-digit code your authenticator app shows.',
  code: 'Code',
  verify: 'Verify',
  wrongCredentials: 'The e-mail address or the password is wrong.',
  locked: 'Too many failed attempts. Wait a moment and try again.',
  disabled: 'This account has been disabled. Contact your organisation’s manager.',
  wrongCode: 'The code is wrong or has expired.',
  codeFormat: 'The code is six digits.',
  mismatch: 'The passwords are not the same.',
  weakPassword:
    'The password does not meet the rules: at least 8 characters, an upper-case and a lower-case letter, a digit and a symbol.',
  sessionExpired: 'The sign-in expired. Start again.',
  temporaryExpired:
    'The temporary password has expired. Ask your organisation’s manager for a new invitation.',
  passkeyFailed: 'Signing in with the passkey did not succeed.',
  passkeyUnsupported: 'This browser does not support passkeys.',
  badRequestTitle: 'The sign-in request is not valid',
  badRequest: 'The app sent a sign-in request that is not valid.',
  backToStart: 'Back to the app',
  inviteSubject: 'Invitation to the Kaikukortti register',
  inviteBody: (name, link, username, password) =>
    `Hello ${name},\n\nyou have been invited to the Kaikukortti register.\nSign in at ${link}\nUser name: ${username}\nTemporary password: ${password}\n\nYou choose your own password when you first sign in. The temporary password is valid for 7 days.`,
};

export const messages: Record<Language, Messages> = { fi, sv, en };
export type MessageKey = { [K in keyof Messages]: Messages[K] extends string ? K : never }[keyof Messages];

/** `?lang=` first, then the browser's Accept-Language, then Finnish. */
export function chooseLanguage(
  asked: string | null | undefined,
  acceptLanguage: string | undefined,
): Language {
  const known = (tag: string) => languages.find((language) => tag.toLowerCase().startsWith(language));
  if (asked) {
    const language = known(asked);
    if (language) return language;
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter(({ tag, q }) => tag && q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const language = known(tag);
    if (language) return language;
  }
  return 'fi';
}
