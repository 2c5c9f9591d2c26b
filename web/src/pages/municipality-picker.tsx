// Choosing the municipalities of an application: search by name or code, the chosen ones listed with a
// remove button; those already in an area cannot be chosen.
import { useId, useState } from 'preact/hooks';
import type { Schema } from '../api.ts';
import { type Language, language, useT } from '../i18n/i18n.ts';
import { useStore } from '../store.ts';

export type Municipality = Schema<'Municipality'>;

export const municipalityName = (municipality: Municipality, lang: Language) =>
  lang === 'sv' ? municipality.nameSv : municipality.nameFi;

const shownAtOnce = 12;

interface PickerProps {
  readonly municipalities: readonly Municipality[];
  readonly chosen: readonly string[];
  readonly onChange: (codes: string[]) => void;
}

export function MunicipalityPicker({ municipalities, chosen, onChange }: PickerProps) {
  const t = useT();
  const lang = useStore(language);
  const id = useId();
  const [search, setSearch] = useState('');
  const byCode = new Map(municipalities.map((municipality) => [municipality.code, municipality]));
  const needle = search.trim().toLocaleLowerCase('fi');
  const matches = needle
    ? municipalities.filter(
        (municipality) =>
          municipality.code.startsWith(needle) ||
          municipality.nameFi.toLocaleLowerCase('fi').includes(needle) ||
          municipality.nameSv.toLocaleLowerCase('sv').includes(needle),
      )
    : [];
  const toggle = (code: string, on: boolean) =>
    onChange(on ? [...chosen, code] : chosen.filter((other) => other !== code));
  return (
    <fieldset class="picker">
      <legend>{t('apply.municipalities')}</legend>
      {chosen.length > 0 && (
        <ul class="chosen" aria-label={t('apply.chosen')}>
          {chosen.map((code) => {
            const municipality = byCode.get(code);
            const name = municipality ? municipalityName(municipality, lang) : code;
            return (
              <li key={code}>
                {name} ({code})
                <button
                  type="button"
                  class="link-button"
                  aria-label={t('apply.remove', { name })}
                  onClick={() => toggle(code, false)}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <label for={id}>{t('apply.search')}</label>
      <input
        id={id}
        type="search"
        autoComplete="off"
        value={search}
        onInput={(event) => setSearch(event.currentTarget.value)}
      />
      {needle && (
        <ul class="matches">
          {matches.slice(0, shownAtOnce).map((municipality) => {
            const joined = municipality.areaId !== undefined;
            const checked = chosen.includes(municipality.code);
            return (
              <li key={municipality.code}>
                <label>
                  <input
                    type="checkbox"
                    checked={checked}
                    disabled={joined && !checked}
                    onChange={(event) => toggle(municipality.code, event.currentTarget.checked)}
                  />
                  {municipalityName(municipality, lang)} ({municipality.code})
                  {joined && <span class="hint"> – {t('apply.alreadyJoined')}</span>}
                </label>
              </li>
            );
          })}
          {matches.length === 0 && <li>{t('apply.noMatches')}</li>}
          {matches.length > shownAtOnce && (
            <li class="hint">{t('apply.moreMatches', { count: matches.length - shownAtOnce })}</li>
          )}
        </ul>
      )}
    </fieldset>
  );
}
