// The sign-in page: people sign in on the identity provider's own pages (password with a TOTP code, or a
// passkey); the app never asks for a password or a key itself.
import { useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.ts';
import { currentPath } from '../router.ts';
import { useStore } from '../store.ts';
import { beginSignIn, signedOutBecause } from './oidc.ts';

/** Public pages send the person to their role's own page after signing in; others come back to themselves. */
const returnPath = (path: string) =>
  path === '/' || path === '/sign-in' || path === '/signed-in' || path.startsWith('/apply') ? '' : path;

export function SignIn() {
  const t = useT();
  const why = useStore(signedOutBecause);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const start = async () => {
    setBusy(true);
    setFailed(false);
    try {
      await beginSignIn(returnPath(currentPath.get()));
    } catch {
      setFailed(true);
      setBusy(false);
    }
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('signIn.title')}</h1>
      {why === 'expired' && (
        <p class="error" role="alert">
          {t('signIn.expired')}
        </p>
      )}
      <p>{t('signIn.intro')}</p>
      <p>
        <button type="button" class="primary" disabled={busy} onClick={() => void start()}>
          {t('signIn.submit')}
        </button>
      </p>
      {failed && (
        <p class="error" role="alert">
          {t('signIn.unavailable')}
        </p>
      )}
      <p class="hint">{t('signIn.invitationHint')}</p>
    </section>
  );
}
