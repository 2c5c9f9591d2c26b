// Setting up a second factor in the app (needed to act for an admin or area-admin organisation: 403
// MFA_REQUIRED): a TOTP app (QR code and its otpauth:// link, then a code) or a passkey, both through
// Cognito's own operations with the person's access token; then POST /v1/me/second-factor, where the
// service asks the provider itself. Loaded only when needed (it carries the QR encoder).
import { useState } from 'preact/hooks';
import { encode } from 'uqr';
import { api, secondFactorNeeded } from '../api.ts';
import { Field } from '../components/field.tsx';
import { useT } from '../i18n/i18n.ts';
import { homeOf } from '../roles.ts';
import { navigate } from '../router.ts';
import { session, useSignedIn } from '../session.ts';
import { cognito, SignInFailure } from './oidc.ts';

/** The otpauth:// link authenticator apps and password managers read (Google's Key Uri Format). */
export function otpauthLink(secret: string, account: string): string {
  const label = `${encodeURIComponent('Kaikukortti')}:${encodeURIComponent(account)}`;
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=Kaikukortti&algorithm=SHA1&digits=6&period=30`;
}

function QrCode({ text, label }: { readonly text: string; readonly label: string }) {
  const { data } = encode(text, { ecc: 'M', border: 2 });
  const size = data.length;
  let path = '';
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    });
  });
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${size} ${size}`}
      width={size * 5}
      height={size * 5}
      shape-rendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

async function recorded(): Promise<boolean> {
  const answer = await api('POST', '/v1/me/second-factor', { body: {} });
  return 'secondFactor' in answer && Boolean(answer.secondFactor);
}

function done() {
  secondFactorNeeded.set(false);
  const current = session.get();
  navigate(current ? homeOf[current.role] : '/');
}

function Totp() {
  const t = useT();
  const signedIn = useSignedIn();
  const [secret, setSecret] = useState<string>();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<'code' | 'failed'>();
  const start = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      setSecret((await cognito<{ SecretCode: string }>('AssociateSoftwareToken', {})).SecretCode);
    } catch {
      setProblem('failed');
    } finally {
      setBusy(false);
    }
  };
  const verify = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await cognito('VerifySoftwareToken', { UserCode: code.trim(), FriendlyDeviceName: 'Kaikukortti' });
      await cognito('SetUserMFAPreference', {
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      });
      if (await recorded()) return done();
      setProblem('failed');
    } catch (error) {
      setProblem(
        error instanceof SignInFailure &&
          (error.code === 'EnableSoftwareTokenMFAException' || error.code === 'CodeMismatchException')
          ? 'code'
          : 'failed',
      );
    } finally {
      setBusy(false);
    }
  };
  if (!secret)
    return (
      <section aria-labelledby="totp-heading">
        <h2 id="totp-heading">{t('mfa.totpTitle')}</h2>
        <p>{t('mfa.totpIntro')}</p>
        <button type="button" class="primary" disabled={busy} onClick={() => void start()}>
          {t('mfa.totpStart')}
        </button>
        {problem === 'failed' && (
          <p class="error" role="alert">
            {t('mfa.failed')}
          </p>
        )}
      </section>
    );
  const link = otpauthLink(secret, signedIn?.person.email ?? '');
  return (
    <section aria-labelledby="totp-heading">
      <h2 id="totp-heading">{t('mfa.totpTitle')}</h2>
      <p>{t('mfa.totpScan')}</p>
      <QrCode text={link} label={t('mfa.qrLabel')} />
      <p>
        <a href={link}>{t('mfa.totpLink')}</a>
      </p>
      <p>
        {t('mfa.totpSecret')} <code class="secret">{secret}</code>
      </p>
      <form onSubmit={verify} class="form narrow">
        <Field
          label={t('mfa.code')}
          autoComplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          value={code}
          onValue={setCode}
          hint={t('mfa.codeHint')}
          problem={problem === 'code' ? t('mfa.wrongCode') : undefined}
        />
        <button type="submit" class="primary" disabled={busy || code.trim().length !== 6}>
          {t('mfa.verify')}
        </button>
      </form>
      {problem === 'failed' && (
        <p class="error" role="alert">
          {t('mfa.failed')}
        </p>
      )}
    </section>
  );
}

/** The JSON forms of WebAuthn (Chromium 129+, Firefox 119+, Safari 18.4+): Cognito speaks them. */
interface JsonCredentials {
  parseCreationOptionsFromJSON?: (options: unknown) => PublicKeyCredentialCreationOptions;
}

function Passkey() {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const parse = (globalThis.PublicKeyCredential as unknown as JsonCredentials | undefined)
    ?.parseCreationOptionsFromJSON;
  if (!parse) return null;
  const register = async () => {
    setBusy(true);
    setFailed(false);
    try {
      const { CredentialCreationOptions } = await cognito<{ CredentialCreationOptions: unknown }>(
        'StartWebAuthnRegistration',
        {},
      );
      const credential = (await navigator.credentials.create({
        publicKey: parse(CredentialCreationOptions),
      })) as (PublicKeyCredential & { toJSON(): unknown }) | null;
      if (!credential) throw new Error('no credential');
      await cognito('CompleteWebAuthnRegistration', { Credential: credential.toJSON() });
      if (await recorded()) return done();
      setFailed(true);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="passkey-heading">
      <h2 id="passkey-heading">{t('mfa.passkeyTitle')}</h2>
      <p>{t('mfa.passkeyIntro')}</p>
      <button type="button" disabled={busy} onClick={() => void register()}>
        {t('mfa.passkeyStart')}
      </button>
      {failed && (
        <p class="error" role="alert">
          {t('mfa.passkeyFailed')}
        </p>
      )}
    </section>
  );
}

export function SecondFactor({ required }: { readonly required: boolean }) {
  const t = useT();
  return (
    <section>
      <h1 tabIndex={-1}>{t('mfa.title')}</h1>
      {required && (
        <p class="warning" role="alert">
          {t('mfa.required')}
        </p>
      )}
      <p>{t('mfa.intro')}</p>
      <Totp />
      <Passkey />
    </section>
  );
}
