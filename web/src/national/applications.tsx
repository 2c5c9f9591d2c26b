// The national centre's pending applications: approve (creates the area and its first key, which the
// applicant fetches with the claim token) or reject with a reason the applicant sees.
import { useState } from 'preact/hooks';
import { api, type Schema } from '../api.ts';
import { ErrorMessage, Notice } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatInstant } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { welfareAreaName } from '../pages/apply.tsx';
import { useStore } from '../store.ts';

type PendingApplication = Schema<'Application'>;

function Decision({ application, onDecided }: { application: PendingApplication; onDecided: () => void }) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [rejecting, setRejecting] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const decide = async (action: 'approve' | 'reject') => {
    setBusy(true);
    setError(undefined);
    try {
      const path = { id: application.id };
      if (action === 'approve') await api('POST', '/v1/applications/{id}/approve', { path, body: {} });
      else await api('POST', '/v1/applications/{id}/reject', { path, body: { reason: reason.trim() } });
      onDecided();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="decision">
      <button type="button" class="primary" disabled={busy} onClick={() => void decide('approve')}>
        {t('applications.approve')}
      </button>{' '}
      {rejecting ? (
        <form
          class="form inline"
          onSubmit={(event) => {
            event.preventDefault();
            void decide('reject');
          }}
        >
          <Field
            label={t('applications.reason')}
            required
            maxLength={1000}
            value={reason}
            onValue={setReason}
          />
          <button type="submit" class="danger" disabled={busy || reason.trim() === ''}>
            {t('applications.confirmReject')}
          </button>
        </form>
      ) : (
        <button type="button" disabled={busy} onClick={() => setRejecting(true)}>
          {t('applications.reject')}
        </button>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}

export function Applications() {
  const t = useT();
  const lang = useStore(language);
  const list = useLoad(
    () =>
      api('GET', '/v1/applications', {
        query: { status: 'pending', limit: '100' },
      }),
    [],
  );
  const [decided, setDecided] = useState(0);
  const items = list.data?.items ?? [];
  return (
    <section>
      <h1 tabIndex={-1}>{t('applications.title')}</h1>
      <ErrorMessage error={list.error} />
      {decided > 0 && <Notice>{t('applications.decided', { count: decided })}</Notice>}
      {items.length === 0 && !list.loading && <p>{t('applications.none')}</p>}
      {items.map((application) => (
        <article key={application.id} class="application" aria-labelledby={`app-${application.id}`}>
          <h2 id={`app-${application.id}`}>{application.areaName}</h2>
          <dl class="facts">
            <dt>{t('applications.municipalities')}</dt>
            <dd>{application.municipalityCodes.join(', ')}</dd>
            <dt>{t('applications.welfareArea')}</dt>
            <dd>{welfareAreaName(t, application.welfareArea)}</dd>
            <dt>{t('apply.cultureContact')}</dt>
            <dd>
              {application.contacts.culture.name}, {application.contacts.culture.email}
            </dd>
            <dt>{t('apply.socialContact')}</dt>
            <dd>
              {application.contacts.social.name}, {application.contacts.social.email}
            </dd>
            <dt>{t('applications.received')}</dt>
            <dd>{formatInstant(application.createdAt, locale(lang))}</dd>
            {application.source && (
              <>
                <dt>{t('applications.source')}</dt>
                <dd>
                  <code>{application.source}</code>
                </dd>
              </>
            )}
          </dl>
          <Decision
            application={application}
            onDecided={() => {
              setDecided((n) => n + 1);
              list.reload();
            }}
          />
        </article>
      ))}
    </section>
  );
}
