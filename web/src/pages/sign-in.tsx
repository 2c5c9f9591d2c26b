// Signing in with an API key: GET /v1/me tells its role, and the key stays in this tab's sessionStorage.
import { useState } from 'preact/hooks';
import { api, signedOutBecause } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import { useT } from '../i18n/i18n.ts';
import { homeOf } from '../roles.ts';
import { currentPath, navigate } from '../router.ts';
import { startSession } from '../session.ts';
import { useStore } from '../store.ts';

/** Signs in with the key; stays on the page asked for, or goes to the role's own. */
export async function signInWith(apiKey: string): Promise<void> {
  const me = await api('GET', '/v1/me', { apiKey });
  // An API key always answers as a key (a person signs in with the identity provider instead).
  if (me.kind !== 'key') throw new Error('GET /v1/me did not answer a key');
  startSession({ apiKey, ...me });
  signedOutBecause.set(undefined);
  const here = currentPath.get();
  if (here === '/' || here === '/sign-in' || here.startsWith('/apply')) navigate(homeOf[me.role]);
}

export function SignIn() {
  const t = useT();
  const why = useStore(signedOutBecause);
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signInWith(apiKey.trim());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('signIn.title')}</h1>
      {why === 'key-refused' && (
        <p class="error" role="alert">
          {t('signIn.keyRefused')}
        </p>
      )}
      <form onSubmit={submit} class="form narrow">
        <Field
          label={t('signIn.key')}
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={apiKey}
          onValue={setApiKey}
          hint={t('signIn.keyHint')}
        />
        <button type="submit" class="primary" disabled={busy || apiKey.trim() === ''}>
          {t('signIn.submit')}
        </button>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}
