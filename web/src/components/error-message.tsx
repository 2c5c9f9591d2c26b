// The service's refusal in the user's language: the code's own text where there is one, the field
// problems the contract lists, and the service's message otherwise. It can take the focus (tabindex -1): the
// focus keeper moves it there when a refusal answers the button the user pressed.
import type { ComponentChildren } from 'preact';
import { ApiFailure } from '../api.ts';
import { keyFor, useT } from '../i18n/i18n.ts';

export function ErrorMessage({ error }: { readonly error: unknown }) {
  const t = useT();
  if (!error) return null;
  if (!(error instanceof ApiFailure))
    return (
      <p class="error" role="alert" tabIndex={-1}>
        {t('error.unexpected')}
      </p>
    );
  const known = keyFor('error', error.code, 'error.unexpected');
  return (
    <div class="error" role="alert" tabIndex={-1}>
      <p>{known === 'error.unexpected' ? error.message : t(known)}</p>
      {error.details.length > 0 && (
        <ul>
          {error.details.map((detail) => (
            <li key={detail.field}>
              {detail.field}: {detail.problem}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children }: { readonly children: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}
