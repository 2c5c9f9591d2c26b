// The applicant follows the application with its claim token (X-Claim-Token). After approval the first
// answer carries the area-admin key, and never again: it is fetched once, on request, and shown here.
import { useEffect, useState } from 'preact/hooks';
import { api, type Schema } from '../api.ts';
import { SecretBox } from '../components/copy-button.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import { useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';

type ApplicationState = Schema<'ApplicationState'>;

/** The id and token from the link the application page gave (#id=…&token=…: never sent to a server). */
function fromFragment(): { id: string; token: string } {
  const params = new URLSearchParams(location.hash.slice(1));
  return { id: params.get('id') ?? '', token: params.get('token') ?? '' };
}

export function ApplicationStatus() {
  const t = useT();
  const [{ id, token }, setInput] = useState(fromFragment);
  const [state, setState] = useState<ApplicationState>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const check = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api('GET', '/v1/applications/{id}', {
        path: { id: id.trim() },
        anonymous: true,
        headers: { 'x-claim-token': token.trim() },
      });
      // A key already shown stays on the page: a later check never brings it back.
      setState((previous) => ({ ...answer, apiKey: answer.apiKey ?? previous?.apiKey }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (id && token) void check();
  }, []);

  return (
    <section>
      <h1 tabIndex={-1}>{t('status.title')}</h1>
      <form
        class="form narrow"
        onSubmit={(event) => {
          event.preventDefault();
          void check();
        }}
      >
        <Field
          label={t('status.id')}
          required
          value={id}
          onValue={(value) => setInput({ id: value, token })}
        />
        <Field
          label={t('status.token')}
          type="password"
          autoComplete="off"
          required
          value={token}
          onValue={(value) => setInput({ id, token: value })}
        />
        <button type="submit" class="primary" disabled={busy || !id.trim() || !token.trim()}>
          {t('status.check')}
        </button>
      </form>
      <ErrorMessage error={error} />
      {state && (
        <div class="result" aria-live="polite">
          <p>
            <strong>{t('status.status')}: </strong>
            {t(`status.${state.status}`)}
          </p>
          {state.reason && (
            <p>
              <strong>{t('status.reason')}: </strong>
              {state.reason}
            </p>
          )}
          {state.status === 'approved' && state.apiKey && (
            <>
              <SecretBox label={t('status.areaAdminKey')} secret={state.apiKey} />
              <p>{t('signIn.contactsInvited')}</p>
              <p>
                <Link href="/sign-in">{t('signIn.submit')}</Link>
              </p>
            </>
          )}
          {state.status === 'approved' && !state.apiKey && <p>{t('status.keyAlreadyShown')}</p>}
        </div>
      )}
    </section>
  );
}
