// An organisation's people (GET/POST/DELETE /v1/organisations/{orgId}/people): who they are, whether they
// have signed in, whether they manage the organisation's people; inviting one by e-mail (the identity
// provider e-mails the sign-in link) and removing one after a confirmation. Shown to the area's admin on
// the organisation's page and to a manager on their own organisation's page.
import { useState } from 'preact/hooks';
import { api, type Schema } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatInstant } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { useStore } from '../store.ts';

type Person = Schema<'Person'>;

function InvitePerson({ orgId, onInvited }: { orgId: string; onInvited: (email: string) => void }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [manager, setManager] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const invited = await api('POST', '/v1/organisations/{orgId}/people', {
        path: { orgId },
        body: { email: email.trim(), name: name.trim(), manager },
      });
      setEmail('');
      setName('');
      setManager(false);
      onInvited(invited.email);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const checkboxId = `invite-manager-${orgId}`;
  return (
    <form class="form" onSubmit={submit} aria-labelledby="invite-title">
      <h3 id="invite-title">{t('people.invite')}</h3>
      <Field
        label={t('people.email')}
        type="email"
        autoComplete="off"
        required
        maxLength={254}
        value={email}
        onValue={setEmail}
        hint={t('people.emailHint')}
      />
      <Field
        label={t('people.name')}
        autoComplete="off"
        required
        maxLength={200}
        value={name}
        onValue={setName}
      />
      <div class="field checkbox">
        <input
          id={checkboxId}
          type="checkbox"
          checked={manager}
          onChange={(event) => setManager(event.currentTarget.checked)}
        />
        <label for={checkboxId}>{t('people.managerChoice')}</label>
      </div>
      <button type="submit" class="primary" disabled={busy}>
        {t('people.sendInvitation')}
      </button>
      <ErrorMessage error={error} />
    </form>
  );
}

export function PeopleSection({ orgId }: { orgId: string }) {
  const t = useT();
  const lang = useStore(language);
  const people = useLoad(
    () => api('GET', '/v1/organisations/{orgId}/people', { path: { orgId }, query: { limit: '500' } }),
    [orgId],
  );
  const [confirming, setConfirming] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const remove = async (person: Person) => {
    setError(undefined);
    try {
      await api('DELETE', '/v1/organisations/{orgId}/people/{personId}', {
        path: { orgId, personId: person.personId },
      });
      setConfirming(undefined);
      setNotice(t('people.removed', { name: person.name }));
      people.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const items = people.data?.items ?? [];
  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">{t('people.title')}</h2>
      <ErrorMessage error={people.error ?? error} />
      {notice && <p role="status">{notice}</p>}
      {people.data && items.length === 0 && <p>{t('people.none')}</p>}
      {items.length > 0 && (
        <table class="stacked">
          <thead>
            <tr>
              <th scope="col">{t('people.name')}</th>
              <th scope="col">{t('people.email')}</th>
              <th scope="col">{t('people.status')}</th>
              <th scope="col">{t('people.manager')}</th>
              <th scope="col">{t('people.lastSignIn')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('people.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((person) => (
              <tr key={person.personId}>
                <td data-label={t('people.name')}>{person.name}</td>
                <td data-label={t('people.email')}>{person.email}</td>
                <td data-label={t('people.status')}>{t(`people.status.${person.status}`)}</td>
                <td data-label={t('people.manager')}>
                  {person.manager ? t('people.isManager') : t('people.notManager')}
                </td>
                <td data-label={t('people.lastSignIn')}>
                  {person.lastSignInAt ? formatInstant(person.lastSignInAt, locale(lang)) : t('people.never')}
                </td>
                <td>
                  {confirming === person.personId ? (
                    <>
                      <span>{t('people.confirmRemove', { name: person.name })}</span>{' '}
                      <button type="button" class="danger" onClick={() => void remove(person)}>
                        {t('people.remove')}
                      </button>{' '}
                      <button type="button" onClick={() => setConfirming(undefined)}>
                        {t('common.cancel')}
                      </button>
                    </>
                  ) : (
                    <button type="button" onClick={() => setConfirming(person.personId)}>
                      {t('people.remove')}
                      <span class="visually-hidden"> {person.name}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <InvitePerson
        orgId={orgId}
        onInvited={(email) => {
          setNotice(t('people.invited', { email }));
          people.reload();
        }}
      />
    </section>
  );
}
