// Paper forms and spreadsheets entered afterwards: a CSV file to POST /v1/usages/batch (text/csv), and the
// service's answer for every row. Each row is idempotent by its clientRef, so sending a file again is safe.
import { useId, useState } from 'preact/hooks';
import { api, type Schema } from '../api.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { keyFor, useT } from '../i18n/i18n.ts';

type RowResult = Schema<'BatchRowResult'>;

export const csvTemplate = [
  'clientRef,cardNumber,sector,adults,children,occurredAt,eventName',
  'form-1-row-1,7KQ3-XW9A-M2HT,culture,1,2,2026-05-01T12:00:00+03:00,Concert',
].join('\n');

export function BatchUpload() {
  const t = useT();
  const fileId = useId();
  const [file, setFile] = useState<{ name: string; text: string }>();
  const [results, setResults] = useState<readonly RowResult[]>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const choose = async (input: HTMLInputElement) => {
    setResults(undefined);
    setError(undefined);
    const chosen = input.files?.[0];
    setFile(chosen ? { name: chosen.name, text: await chosen.text() } : undefined);
  };
  const send = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    try {
      setResults((await api('POST', '/v1/usages/batch', { csv: file.text })).results);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const failed = results?.filter((row) => row.status === 'failed').length ?? 0;
  return (
    <section>
      <h1 tabIndex={-1}>{t('batch.title')}</h1>
      <p>{t('batch.intro')}</p>
      <details>
        <summary>{t('batch.format')}</summary>
        <pre>{csvTemplate}</pre>
        <CopyButton text={csvTemplate} />
        <p class="hint">{t('batch.formatHint')}</p>
      </details>
      <form class="form" onSubmit={send}>
        <div class="field">
          <label for={fileId}>{t('batch.file')}</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => void choose(event.currentTarget)}
          />
        </div>
        <button type="submit" class="primary" disabled={!file || busy}>
          {t('batch.send')}
        </button>
      </form>
      <ErrorMessage error={error} />
      {results && (
        <section aria-labelledby="batch-results">
          <h2 id="batch-results">{t('batch.results')}</h2>
          <p role="status">{t('batch.summary', { ok: results.length - failed, failed })}</p>
          <table class="batch-results">
            <thead>
              <tr>
                <th scope="col">{t('batch.row')}</th>
                <th scope="col">clientRef</th>
                <th scope="col">{t('batch.status')}</th>
                <th scope="col">{t('batch.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {results.map((row, index) => (
                <tr key={`${index}-${row.clientRef}`} class={`row-${row.status}`}>
                  <td>{index + 2}</td>
                  <td>{row.clientRef ?? '–'}</td>
                  <td>{t(`batch.${row.status}`)}</td>
                  <td>
                    {row.error
                      ? `${t(keyFor('error', row.error.code, 'error.unexpected'))} (${row.error.message})`
                      : row.usageId}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
