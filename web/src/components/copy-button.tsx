// Copies a secret or a link to the clipboard, and says so.
import { useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.ts';

export function CopyButton({ text, label }: { readonly text: string; readonly label?: string }) {
  const t = useT();
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <span class="copy">
      <button type="button" onClick={copy}>
        {label ?? t('common.copy')}
      </button>
      <span role="status" class="copy-status">
        {copied === 'yes' ? t('common.copied') : copied === 'failed' ? t('common.copyFailed') : ''}
      </span>
    </span>
  );
}

/** A secret shown once (a new API key): selectable text, a copy button and the warning to keep it now. */
export function SecretBox({ label, secret }: { readonly label: string; readonly secret: string }) {
  const t = useT();
  return (
    <div class="secret">
      <p>
        <strong>{label}</strong>
      </p>
      <p>
        <code class="secret-value">{secret}</code>
      </p>
      <CopyButton text={secret} />
      <p class="hint">{t('common.shownOnce')}</p>
    </div>
  );
}
