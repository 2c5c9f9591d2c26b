// Finnish by default, Swedish and English on choice; every text of the app is in fi.json, sv.json and
// en.json under the same keys (test/web/messages.test.ts fails on a key missing from any of them).
import { store, useStore } from '../store.ts';
import en from './en.json';
import fi from './fi.json';
import sv from './sv.json';

export type MessageKey = keyof typeof fi;
export type Messages = Readonly<Record<MessageKey, string>>;
export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export const languages = ['fi', 'sv', 'en'] as const;
export type Language = (typeof languages)[number];

// A missing key in sv.json or en.json is a type error here, too.
const catalogues: Readonly<Record<Language, Messages>> = { fi, sv, en };

const storageKey = 'kaiku.language';
const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (languages as readonly string[]).includes(value);

function saved(): Language {
  try {
    const value = localStorage.getItem(storageKey);
    if (isLanguage(value)) return value;
  } catch {}
  return 'fi';
}

export const language = store<Language>(saved());

export function chooseLanguage(next: Language): void {
  try {
    localStorage.setItem(storageKey, next);
  } catch {}
  language.set(next);
}

export function translate(lang: Language, key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogues[lang][key] ?? catalogues.fi[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

export function useT(): Translate {
  const lang = useStore(language);
  return (key, params) => translate(lang, key, params);
}

export const isMessageKey = (key: string): key is MessageKey => key in fi;

/** A message key for a value the API sends (an error code, a status), or the fallback when there is none. */
export function keyFor(prefix: string, value: string, fallback: MessageKey): MessageKey {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? key : fallback;
}

/** Numbers and dates in the chosen language's way. */
export const locale = (lang: Language) => ({ fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' })[lang];
