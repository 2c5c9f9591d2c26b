// An organisation's machine keys (cash registers, ticketing systems, scripts): each with its name, expiry
// and last use; a new key asks what it is for and, optionally, until when it works, and is shown once with
// a copy button; revoking asks for a confirmation. People sign in as themselves: keys are for machines.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { SecretBox } from '../components/copy-button.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatDate, formatInstant } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { useStore } from '../store.ts';

/** The end of the chosen day in the browser's time zone (the register's users are in Finland). */
const endOfDay = (date: string) => new Date(`${date}T23:59:59`).toISOString();

function NewKey({ orgId, onCreated }: { orgId: string; onCreated: (apiKey: string) => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const made = await api('POST', '/v1/organisations/{orgId}/keys', {
        path: { orgId },
        body: { name: name.trim(), ...(expires && { expiresAt: endOfDay(expires) }) },
      });
      setName('');
      setExpires('');
      onCreated(made.apiKey);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit} aria-labelledby="new-key-title">
      <h3 id="new-key-title">{t('keys.create')}</h3>
      <Field
        label={t('keys.name')}
        required
        maxLength={100}
        autoComplete="off"
        value={name}
        onValue={setName}
        hint={t('keys.nameHint')}
      />
      <Field
        label={t('keys.expiresOn')}
        type="date"
        value={expires}
        onValue={setExpires}
        hint={t('keys.expiresHint')}
      />
      <button type="submit" class="primary" disabled={busy}>
        {t('keys.createButton')}
      </button>
      <ErrorMessage error={error} />
    </form>
  );
}

export function KeysSection({ orgId }: { orgId: string }) {
  const t = useT();
  const lang = useStore(language);
  const keys = useLoad(() => api('GET', '/v1/organisations/{orgId}/keys', { path: { orgId } }), [orgId]);
  const [fresh, setFresh] = useState<string>();
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [revoked, setRevoked] = useState<string>();
  const revoke = async (keyId: string, name: string) => {
    setError(undefined);
    try {
      await api('DELETE', '/v1/keys/{keyId}', { path: { keyId } });
      setConfirming(undefined);
      // The confirmation's buttons are gone: this notice takes the focus and says what happened.
      setRevoked(name);
      keys.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const at = (value: string) => formatInstant(value, locale(lang));
  const now = Date.now();
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">{t('keys.title')}</h2>
      <p>{t('keys.forMachines')}</p>
      <ErrorMessage error={keys.error ?? error} />
      {revoked && <p role="status">{t('keys.revokedNotice', { name: revoked })}</p>}
      {fresh && <SecretBox label={t('keys.newKey')} secret={fresh} />}
      <ul class="keys">
        {(keys.data?.items ?? []).map((key) => {
          const expired = key.expiresAt !== undefined && Date.parse(key.expiresAt) <= now;
          return (
            <li key={key.keyId}>
              <strong>{key.name ?? t('keys.unnamed')}</strong> (<code>{key.keyId}</code>) ·{' '}
              {t('keys.created', { at: at(key.createdAt) })} ·{' '}
              {key.expiresAt
                ? t(expired ? 'keys.expired' : 'keys.expires', {
                    on: formatDate(key.expiresAt, locale(lang)),
                  })
                : t('keys.noExpiry')}{' '}
              · {key.lastUsedAt ? t('keys.lastUsed', { at: at(key.lastUsedAt) }) : t('keys.neverUsed')}
              {key.revokedAt ? (
                <> · {t('keys.revoked')}</>
              ) : confirming === key.keyId ? (
                <>
                  {' '}
                  <button
                    type="button"
                    class="danger"
                    onClick={() => void revoke(key.keyId, key.name ?? key.keyId)}
                  >
                    {t('keys.confirmRevoke')}
                  </button>{' '}
                  <button type="button" onClick={() => setConfirming(undefined)}>
                    {t('common.cancel')}
                  </button>
                </>
              ) : (
                !expired && (
                  <>
                    {' '}
                    <button type="button" onClick={() => setConfirming(key.keyId)}>
                      {t('keys.revoke')}
                      <span class="visually-hidden"> {key.name ?? key.keyId}</span>
                    </button>
                  </>
                )
              )}
            </li>
          );
        })}
      </ul>
      <NewKey
        orgId={orgId}
        onCreated={(apiKey) => {
          setFresh(apiKey);
          keys.reload();
        }}
      />
    </section>
  );
}
