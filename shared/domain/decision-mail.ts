// The e-mail that tells an applicant of the national centre's decision, in the application's language
// (all three when the form did not say). It never holds the claim token or the key: the applicant claims
// the key on the status page with the token they kept when they applied (docs/decisions/0023).
import type { Mail } from '../mail/send-mail.ts';
import type { Application } from './onboarding.ts';

type Language = 'fi' | 'sv' | 'en';

interface Decision {
  readonly name: string;
  readonly areaName: string;
  readonly applicationId: string;
  readonly webAppUrl: string;
  readonly reason?: string;
}

const texts: Record<
  Language,
  {
    approvedSubject: string;
    rejectedSubject: string;
    approved(decision: Decision): string;
    rejected(decision: Decision): string;
  }
> = {
  fi: {
    approvedSubject: 'Kaikukortti: hakemus hyväksytty',
    rejectedSubject: 'Kaikukortti: hakemusta ei hyväksytty',
    approved: (d) =>
      [
        `Hei ${d.name},`,
        '',
        `Kaikukeskus on hyväksynyt alueen "${d.areaName}" hakemuksen: alue on nyt mukana Kaikukortissa.`,
        '',
        'Alueen ylläpitäjän avain: avaa hakemuksen tila-sivu',
        `${d.webAppUrl}/apply/status`,
        `ja anna hakemuksen tunnus ${d.applicationId} sekä tunniste, jonka saitte hakemusta lähettäessä.`,
        'Avain näytetään vain kerran. Tunnistetta ei lähetetä sähköpostilla.',
        '',
        'Hakemuksen yhteyshenkilöt saavat lisäksi oman kutsun kirjautua palveluun.',
        'Jos tunniste tai avain on kadonnut, pyytäkää Kaikukeskukselta uusi avain.',
      ].join('\n'),
    rejected: (d) =>
      [
        `Hei ${d.name},`,
        '',
        `Kaikukeskus ei hyväksynyt alueen "${d.areaName}" hakemusta (tunnus ${d.applicationId}).`,
        '',
        `Perustelu: ${d.reason ?? '–'}`,
        '',
        `Uuden hakemuksen voi lähettää osoitteessa ${d.webAppUrl}/apply`,
      ].join('\n'),
  },
  sv: {
    approvedSubject: 'Kaikukortti: ansökan godkänd',
    rejectedSubject: 'Kaikukortti: ansökan inte godkänd',
    approved: (d) =>
      [
        `Hej ${d.name},`,
        '',
        `Kaikukeskus har godkänt ansökan för området "${d.areaName}": området är nu med i Kaikukortti.`,
        '',
        'Områdesadministratörens nyckel: öppna sidan för ansökans status',
        `${d.webAppUrl}/apply/status`,
        `och ange ansökans id ${d.applicationId} och koden ni fick när ni skickade ansökan.`,
        'Nyckeln visas bara en gång. Koden skickas inte per e-post.',
        '',
        'Ansökans kontaktpersoner får dessutom var sin inbjudan att logga in i tjänsten.',
        'Om koden eller nyckeln har kommit bort, be Kaikukeskus om en ny nyckel.',
      ].join('\n'),
    rejected: (d) =>
      [
        `Hej ${d.name},`,
        '',
        `Kaikukeskus godkände inte ansökan för området "${d.areaName}" (id ${d.applicationId}).`,
        '',
        `Motivering: ${d.reason ?? '–'}`,
        '',
        `En ny ansökan kan skickas på ${d.webAppUrl}/apply`,
      ].join('\n'),
  },
  en: {
    approvedSubject: 'Kaikukortti: application approved',
    rejectedSubject: 'Kaikukortti: application not approved',
    approved: (d) =>
      [
        `Hello ${d.name},`,
        '',
        `Kaikukeskus has approved the application of the area "${d.areaName}": the area now takes part in Kaikukortti.`,
        '',
        "The area admin's key: open the application status page",
        `${d.webAppUrl}/apply/status`,
        `and give the application id ${d.applicationId} and the token you received when you applied.`,
        'The key is shown once. The token is never sent by e-mail.',
        '',
        "The application's contact persons also get an invitation each to sign in to the service.",
        'If the token or the key is lost, ask Kaikukeskus for a new key.',
      ].join('\n'),
    rejected: (d) =>
      [
        `Hello ${d.name},`,
        '',
        `Kaikukeskus did not approve the application of the area "${d.areaName}" (id ${d.applicationId}).`,
        '',
        `Reason: ${d.reason ?? '–'}`,
        '',
        `A new application can be sent at ${d.webAppUrl}/apply`,
      ].join('\n'),
  },
};

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
        .map((language) => (approved ? texts[language].approvedSubject : texts[language].rejectedSubject))
        .join(' / '),
      text: languages
        .map((language) => (approved ? texts[language].approved : texts[language].rejected)(decision))
        .join('\n\n---\n\n'),
    });
  }
  return mails;
}
