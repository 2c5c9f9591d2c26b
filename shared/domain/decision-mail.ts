// The e-mail that tells an applicant of the national centre's decision, in the application's language
// (all three when the form did not say). It never holds the claim token or the key: the applicant claims
// the key on the status page with the token they kept when they applied (docs/decisions/0023).
import type { Mail } from './mail.ts';
import type { Application } from './onboarding.ts';

type Language = 'fi' | 'sv' | 'en';

interface Decision {
  readonly name: string;
  readonly areaName: string;
  readonly applicationId: string;
  readonly webAppUrl: string;
  readonly reason?: string;
}

/** A language's sentences; the letters are laid out the same in every language (approvedText, rejectedText). */
interface Wording {
  readonly approvedSubject: string;
  readonly rejectedSubject: string;
  greeting(name: string): string;
  approved(areaName: string): string;
  /** Where the area admin's key is claimed: the status page's address follows on its own line. */
  readonly claimAt: string;
  claimWith(applicationId: string): string;
  readonly shownOnce: string;
  readonly contactsInvited: string;
  readonly lost: string;
  rejected(areaName: string, applicationId: string): string;
  readonly reasonLabel: string;
  applyAgainAt(url: string): string;
}

const wordings: Record<Language, Wording> = {
  fi: {
    approvedSubject: 'Kaikukortti: hakemus hyväksytty',
    rejectedSubject: 'Kaikukortti: hakemusta ei hyväksytty',
    greeting: (name) => `Hei ${name},`,
    approved: (areaName) =>
      `Kaikukeskus on hyväksynyt alueen "${areaName}" hakemuksen: alue on nyt mukana Kaikukortissa.`,
    claimAt: 'Alueen ylläpitäjän avain: avaa hakemuksen tila-sivu',
    claimWith: (applicationId) =>
      `ja anna hakemuksen tunnus ${applicationId} sekä tunniste, jonka saitte hakemusta lähettäessä.`,
    shownOnce: 'Avain näytetään vain kerran. Tunnistetta ei lähetetä sähköpostilla.',
    contactsInvited: 'Hakemuksen yhteyshenkilöt saavat lisäksi oman kutsun kirjautua palveluun.',
    lost: 'Jos tunniste tai avain on kadonnut, pyytäkää Kaikukeskukselta uusi avain.',
    rejected: (areaName, applicationId) =>
      `Kaikukeskus ei hyväksynyt alueen "${areaName}" hakemusta (tunnus ${applicationId}).`,
    reasonLabel: 'Perustelu',
    applyAgainAt: (url) => `Uuden hakemuksen voi lähettää osoitteessa ${url}`,
  },
  sv: {
    approvedSubject: 'Kaikukortti: ansökan godkänd',
    rejectedSubject: 'Kaikukortti: ansökan inte godkänd',
    greeting: (name) => `Hej ${name},`,
    approved: (areaName) =>
      `Kaikukeskus har godkänt ansökan för området "${areaName}": området är nu med i Kaikukortti.`,
    claimAt: 'Områdesadministratörens nyckel: öppna sidan för ansökans status',
    claimWith: (applicationId) =>
      `och ange ansökans id ${applicationId} och koden ni fick när ni skickade ansökan.`,
    shownOnce: 'Nyckeln visas bara en gång. Koden skickas inte per e-post.',
    contactsInvited: 'Ansökans kontaktpersoner får dessutom var sin inbjudan att logga in i tjänsten.',
    lost: 'Om koden eller nyckeln har kommit bort, be Kaikukeskus om en ny nyckel.',
    rejected: (areaName, applicationId) =>
      `Kaikukeskus godkände inte ansökan för området "${areaName}" (id ${applicationId}).`,
    reasonLabel: 'Motivering',
    applyAgainAt: (url) => `En ny ansökan kan skickas på ${url}`,
  },
  en: {
    approvedSubject: 'Kaikukortti: application approved',
    rejectedSubject: 'Kaikukortti: application not approved',
    greeting: (name) => `Hello ${name},`,
    approved: (areaName) =>
      `Kaikukeskus has approved the application of the area "${areaName}": the area now takes part in Kaikukortti.`,
    claimAt: "The area admin's key: open the application status page",
    claimWith: (applicationId) =>
      `and give the application id ${applicationId} and the token you received when you applied.`,
    shownOnce: 'The key is shown once. The token is never sent by e-mail.',
    contactsInvited:
      "The application's contact persons also get an invitation each to sign in to the service.",
    lost: 'If the token or the key is lost, ask Kaikukeskus for a new key.',
    rejected: (areaName, applicationId) =>
      `Kaikukeskus did not approve the application of the area "${areaName}" (id ${applicationId}).`,
    reasonLabel: 'Reason',
    applyAgainAt: (url) => `A new application can be sent at ${url}`,
  },
};

function approvedText(wording: Wording, decision: Decision): string {
  return [
    wording.greeting(decision.name),
    '',
    wording.approved(decision.areaName),
    '',
    wording.claimAt,
    `${decision.webAppUrl}/apply/status`,
    wording.claimWith(decision.applicationId),
    wording.shownOnce,
    '',
    wording.contactsInvited,
    wording.lost,
  ].join('\n');
}

function rejectedText(wording: Wording, decision: Decision): string {
  return [
    wording.greeting(decision.name),
    '',
    wording.rejected(decision.areaName, decision.applicationId),
    '',
    `${wording.reasonLabel}: ${decision.reason ?? '–'}`,
    '',
    wording.applyAgainAt(`${decision.webAppUrl}/apply`),
  ].join('\n');
}

/**
 * One message per distinct contact address of a decided application (both contacts may be one person),
 * in its language, or in Finnish, Swedish and English when it has none.
 */
export function decisionMails(application: Application, webAppUrl: string): Mail[] {
  if (application.status === 'pending') return [];
  const approved = application.status === 'approved';
  const languages: readonly Language[] = application.language ? [application.language] : ['fi', 'sv', 'en'];
  const mails: Mail[] = [];
  const seen = new Set<string>();
  for (const contact of [application.contacts.culture, application.contacts.social]) {
    const to = contact.email.trim().toLowerCase();
    if (seen.has(to)) continue;
    seen.add(to);
    const decision: Decision = {
      name: contact.name,
      areaName: application.areaName,
      applicationId: application.applicationId,
      webAppUrl,
      ...(application.reason !== undefined && { reason: application.reason }),
    };
    mails.push({
      to,
      subject: languages
        .map((language) =>
          approved ? wordings[language].approvedSubject : wordings[language].rejectedSubject,
        )
        .join(' / '),
      text: languages
        .map((language) => (approved ? approvedText : rejectedText)(wordings[language], decision))
        .join('\n\n---\n\n'),
    });
  }
  return mails;
}
