// The statistics snapshots (admin and partners): each day's files with their presigned links (valid 15
// minutes, so they are fetched when a day is opened). The national centre can also compute today's so far.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorMessage, Notice } from '../components/error-message.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatDate, formatInstant, helsinkiToday } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { useSession } from '../session.ts';
import { useStore } from '../store.ts';

function SnapshotFiles({ date }: { date: string }) {
  const t = useT();
  const manifest = useLoad(() => api('GET', '/v1/stats/snapshots/{date}', { path: { date } }), [date]);
  return (
    <>
      <ErrorMessage error={manifest.error} />
      <ul class="files">
        {(manifest.data?.files ?? []).map((file) => (
          <li key={file.name}>
            <a href={file.url} rel="noopener noreferrer" download>
              {file.name}
            </a>{' '}
            <span class="hint">{t('snapshots.size', { bytes: file.bytes, rows: file.rows })}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function Snapshots() {
  const t = useT();
  const lang = useStore(language);
  const current = useSession();
  const list = useLoad(
    () =>
      api('GET', '/v1/stats/snapshots', {
        query: { limit: '60' },
      }),
    [],
  );
  const [open, setOpen] = useState<string>();
  const [requested, setRequested] = useState(false);
  const [error, setError] = useState<unknown>();
  const requestToday = async () => {
    setError(undefined);
    try {
      await api('POST', '/v1/stats/snapshots', { body: { date: helsinkiToday() } });
      setRequested(true);
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('snapshots.title')}</h1>
      <p>{t('snapshots.intro')}</p>
      {current?.role === 'admin' && (
        <p>
          <button type="button" onClick={() => void requestToday()}>
            {t('snapshots.makeToday')}
          </button>
        </p>
      )}
      {requested && <Notice>{t('snapshots.requested')}</Notice>}
      <ErrorMessage error={list.error ?? error} />
      {(list.data?.items ?? []).length === 0 && !list.loading && <p>{t('snapshots.none')}</p>}
      <ul class="snapshots">
        {(list.data?.items ?? []).map((snapshot) => (
          <li key={snapshot.date}>
            <button
              type="button"
              aria-expanded={open === snapshot.date}
              onClick={() => setOpen(open === snapshot.date ? undefined : snapshot.date)}
            >
              {formatDate(snapshot.date, locale(lang))}
            </button>{' '}
            <span class="hint">
              {t('snapshots.made', { at: formatInstant(snapshot.createdAt, locale(lang)) })}
            </span>
            {open === snapshot.date && <SnapshotFiles date={snapshot.date} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
