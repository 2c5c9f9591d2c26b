// The sign-in pages (Cognito's managed login stand-in): plain HTML forms that work without script (the
// passkey button needs it), one heading and one form each, labels on every field, errors announced, and
// the autocomplete names that let password managers and one-time-code autofill do their work.
import { type Language, languages, type MessageKey, messages } from './messages.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PageContext {
  readonly lang: Language;
  /** The sign-in in progress: carried in each form, and in the language links. */
  readonly interaction?: string;
  readonly error?: MessageKey;
}

function layout(context: PageContext, title: string, main: string, script = false): string {
  const t = messages[context.lang];
  const links = context.interaction
    ? languages
        .filter((language) => language !== context.lang)
        .map(
          (language) =>
            `<a href="/login?interaction=${encodeURIComponent(context.interaction!)}&amp;lang=${language}" lang="${language}" hreflang="${language}">${escapeHtml(messages[language].languageName)}</a>`,
        )
        .join(' ')
    : '';
  return `<!doctype html>
<html lang="${context.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – ${escapeHtml(t.serviceName)}</title>
<link rel="stylesheet" href="/assets/sign-in.css">
${script ? '<script src="/assets/passkey.js" defer></script>' : ''}
</head>
<body>
<header><p class="service">${escapeHtml(t.serviceName)}</p>${links ? `<nav aria-label="${escapeHtml(t.languageLabel)}">${links}</nav>` : ''}</header>
<main>
<h1>${escapeHtml(title)}</h1>
${main}
</main>
</body>
</html>
`;
}

function errorBlock(context: PageContext): string {
  if (!context.error) return '';
  return `<p id="error" class="error" role="alert">${escapeHtml(messages[context.lang][context.error])}</p>`;
}

const hidden = (context: PageContext) =>
  `<input type="hidden" name="interaction" value="${escapeHtml(context.interaction ?? '')}">`;

const invalid = (context: PageContext) =>
  context.error ? ' aria-invalid="true" aria-describedby="error"' : '';

export function signInPage(context: PageContext, email = ''): string {
  const t = messages[context.lang];
  return layout(
    context,
    t.signInTitle,
    `<p>${escapeHtml(t.signInIntro)}</p>
${errorBlock(context)}
<form method="post" action="/login">
${hidden(context)}
<p><label for="username">${escapeHtml(t.email)}</label>
<input id="username" name="username" type="email" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(email)}"${invalid(context)}></p>
<p><label for="password">${escapeHtml(t.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid(context)}></p>
<p><button type="submit">${escapeHtml(t.signIn)}</button></p>
</form>
<section aria-labelledby="passkey-heading">
<h2 id="passkey-heading">${escapeHtml(t.or)}</h2>
<p id="passkey-hint">${escapeHtml(t.passkeyHint)}</p>
<p><button type="button" id="passkey" aria-describedby="passkey-hint" data-interaction="${escapeHtml(context.interaction ?? '')}" data-failed="${escapeHtml(t.passkeyFailed)}" data-unsupported="${escapeHtml(t.passkeyUnsupported)}">${escapeHtml(t.passkeySignIn)}</button></p>
<p id="passkey-status" role="status"></p>
</section>`,
    true,
  );
}

export function newPasswordPage(context: PageContext, email: string): string {
  const t = messages[context.lang];
  return layout(
    context,
    t.newPasswordTitle,
    `<p>${escapeHtml(t.newPasswordIntro)}</p>
${errorBlock(context)}
<form method="post" action="/login/new-password">
${hidden(context)}
<input type="email" name="username" autocomplete="username" value="${escapeHtml(email)}" readonly hidden>
<p id="rules">${escapeHtml(t.passwordRules)}</p>
<p><label for="new-password">${escapeHtml(t.newPassword)}</label>
<input id="new-password" name="password" type="password" autocomplete="new-password" minlength="8" required aria-describedby="rules${context.error ? ' error' : ''}"${context.error ? ' aria-invalid="true"' : ''}></p>
<p><label for="confirm-password">${escapeHtml(t.confirmPassword)}</label>
<input id="confirm-password" name="confirm" type="password" autocomplete="new-password" minlength="8" required></p>
<p><button type="submit">${escapeHtml(t.setPassword)}</button></p>
</form>`,
  );
}

export function codePage(context: PageContext): string {
  const t = messages[context.lang];
  return layout(
    context,
    t.codeTitle,
    `<p id="code-intro">${escapeHtml(t.codeIntro)}</p>
${errorBlock(context)}
<form method="post" action="/login/code">
${hidden(context)}
<p><label for="code">${escapeHtml(t.code)}</label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required aria-describedby="code-intro${context.error ? ' error' : ''}"${context.error ? ' aria-invalid="true"' : ''}></p>
<p><button type="submit">${escapeHtml(t.verify)}</button></p>
</form>`,
  );
}

/** A request the app got wrong (unknown client, redirect URI not allowed): never redirected anywhere. */
export function badRequestPage(lang: Language, detail: string): string {
  const t = messages[lang];
  return layout(
    { lang },
    t.badRequestTitle,
    `<p>${escapeHtml(t.badRequest)}</p>\n<p><code>${escapeHtml(detail)}</code></p>`,
  );
}

export const styles = `body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f6f4;line-height:1.5}
header{display:flex;justify-content:space-between;flex-wrap:wrap;gap:1rem;padding:1rem 1.5rem;background:#0b3d5c;color:#fff}
header a{color:#fff}.service{margin:0;font-weight:700}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.5rem}
label{display:block;font-weight:600}input{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:2px solid #555;border-radius:.25rem}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.25rem;background:#0b3d5c;color:#fff;cursor:pointer}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.error{color:#a4000f;font-weight:600}h2{font-size:1rem}`;
