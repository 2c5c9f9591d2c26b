// The national centre's pending applications: approve (creates the area and its first key, which the
// applicant fetches with the claim token) or reject with a reason the applicant sees. Every waiting
// application is loaded, page after page, so none hides behind spam; they are grouped by source (the
// keyed hash of the client that sent them), and one action rejects all of a source's applications.
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

/** The most pages loaded for one view: 200 pages of 500, far beyond any real queue. */
const maxPages = 200;

/** Every pending application, following nextCursor to the end. */
async function allPending(): Promise<PendingApplication[]> {
  const items: PendingApplication[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await api('GET', '/v1/applications', {
      query: { status: 'pending', limit: '500', cursor },
    });
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return items;
}

interface SourceGroup {
  readonly source: string;
  readonly count: number;
  readonly oldest: string;
  readonly newest: string;
}

/** The waiting applications by source, the largest group first (then the oldest). */
export function groupBySource(items: readonly PendingApplication[]): SourceGroup[] {
  const groups = new Map<string, { count: number; oldest: string; newest: string }>();
  for (const { source, createdAt } of items) {
    if (!source) continue;
    const group = groups.get(source);
    if (!group) groups.set(source, { count: 1, oldest: createdAt, newest: createdAt });
    else {
      group.count++;
      if (createdAt < group.oldest) group.oldest = createdAt;
      if (createdAt > group.newest) group.newest = createdAt;
    }
  }
  return [...groups.entries()]
    .map(([source, group]) => ({ source, ...group }))
    .sort((a, b) => b.count - a.count || a.oldest.localeCompare(b.oldest));
}

function RejectSource({ group, onRejected }: { group: SourceGroup; onRejected: (count: number) => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const reject = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api('POST', '/v1/applications/reject-pending', {
        body: { reason: reason.trim(), source: group.source },
      });
      onRejected(answer.rejected.length);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t('applications.rejectSource', { count: group.count })}
      </button>
    );
  return (
    <form
      class="form inline"
      onSubmit={(event) => {
        event.preventDefault();
        void reject();
      }}
    >
      <Field label={t('applications.reason')} required maxLength={1000} value={reason} onValue={setReason} />
      <button type="submit" class="danger" disabled={busy || reason.trim() === ''}>
        {t('applications.confirmRejectSource', { count: group.count })}
      </button>
      <ErrorMessage error={error} />
    </form>
  );
}

function Sources({
  items,
  onRejected,
}: {
  items: readonly PendingApplication[];
  onRejected: (count: number) => void;
}) {
  const t = useT();
  const lang = useStore(language);
  const groups = groupBySource(items);
  if (groups.length === 0) return null;
  return (
    <section aria-labelledby="sources-title">
      <h2 id="sources-title">{t('applications.sourcesTitle')}</h2>
      <p>{t('applications.sourcesIntro')}</p>
      <table class="sources">
        <thead>
          <tr>
            <th scope="col">{t('applications.source')}</th>
            <th scope="col">{t('applications.count')}</th>
            <th scope="col">{t('applications.oldest')}</th>
            <th scope="col">{t('applications.newest')}</th>
            <th scope="col">{t('applications.action')}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((group) => (
            <tr key={group.source}>
              <td>
                <code>{group.source}</code>
              </td>
              <td>{group.count}</td>
              <td>{formatInstant(group.oldest, locale(lang))}</td>
              <td>{formatInstant(group.newest, locale(lang))}</td>
              <td>
                <RejectSource group={group} onRejected={onRejected} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Applications() {
  const t = useT();
  const lang = useStore(language);
  const list = useLoad(allPending, []);
  const [decided, setDecided] = useState(0);
  const items = list.data ?? [];
  const decidedMore = (count: number) => {
    setDecided((n) => n + count);
    list.reload();
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('applications.title')}</h1>
      <ErrorMessage error={list.error} />
      {decided > 0 && <Notice>{t('applications.decided', { count: decided })}</Notice>}
      {items.length === 0 && !list.loading && <p>{t('applications.none')}</p>}
      {items.length > 0 && <p>{t('applications.waiting', { count: items.length })}</p>}
      <Sources items={items} onRejected={decidedMore} />
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
          <Decision application={application} onDecided={() => decidedMore(1)} />
        </article>
      ))}
    </section>
  );
}
