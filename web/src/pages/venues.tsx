// Where the card works (no sign-in): the published venues, by municipality and sector, with a text search.
// The filters live in the address (/venues?municipality=091&sector=culture&q=...), so a social worker can
// send a holder a link to the venues near them.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Schema } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { Field, Select } from '../components/field.tsx';
import { useLoad } from '../components/use-load.ts';
import { type Language, language, useT } from '../i18n/i18n.ts';
import { useStore } from '../store.ts';
import { type Municipality, municipalityName } from './municipality-picker.tsx';

type Venue = Schema<'PublicVenue'>;
const sectors = ['culture', 'education', 'science', 'sport'] as const;
type Sector = (typeof sectors)[number];
const isSector = (value: string): value is Sector => (sectors as readonly string[]).includes(value);

interface Filters {
  readonly municipality: string;
  readonly sector: string;
  readonly q: string;
}

function filtersFromAddress(): Filters {
  const params = new URLSearchParams(location.search);
  const municipality = params.get('municipality') ?? '';
  const sector = params.get('sector') ?? '';
  return {
    municipality: /^\d{3}$/.test(municipality) ? municipality : '',
    sector: isSector(sector) ? sector : '',
    q: (params.get('q') ?? '').slice(0, 100),
  };
}

function addressOf(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  const text = params.toString();
  return `/venues${text ? `?${text}` : ''}`;
}

/** The text in the reader's language, or Finnish when the venue wrote none in it. */
const inLanguage = (text: { fi: string; sv?: string; en?: string }, lang: Language) =>
  (lang === 'fi' ? text.fi : text[lang]) || text.fi;

const pageSize = 30;

async function loadVenues(filters: Filters, cursor?: string) {
  return api('GET', '/v1/venues', {
    anonymous: true,
    query: {
      ...(filters.municipality && { municipality: filters.municipality }),
      ...(filters.sector && isSector(filters.sector) && { sector: filters.sector }),
      ...(filters.q.trim() && { q: filters.q.trim() }),
      limit: String(pageSize),
      ...(cursor && { cursor }),
    },
  });
}

function VenueCard({ venue, municipalities }: { venue: Venue; municipalities: Map<string, Municipality> }) {
  const t = useT();
  const lang = useStore(language);
  const municipality = municipalities.get(venue.municipalityCode);
  const place = [venue.address, [venue.postalCode, municipality && municipalityName(municipality, lang)]]
    .flat()
    .filter(Boolean)
    .join(' ');
  return (
    <li class="venue">
      <h2 tabIndex={-1}>{venue.name}</h2>
      <p class="venue-place">{place || (municipality ? municipalityName(municipality, lang) : '')}</p>
      <p class="venue-sectors">{venue.sectors.map((sector) => t(`sector.${sector}`)).join(' · ')}</p>
      <p>{inLanguage(venue.offer, lang)}</p>
      {venue.accessibility && (
        <p>
          <span class="label">{t('venues.accessibility')}: </span>
          {inLanguage(venue.accessibility, lang)}
        </p>
      )}
      {venue.website && (
        <p>
          <a href={venue.website} rel="noopener noreferrer external" target="_blank">
            {t('venues.website', { name: venue.name })}
          </a>
        </p>
      )}
    </li>
  );
}

export function Venues() {
  const t = useT();
  const lang = useStore(language);
  const [filters, setFilters] = useState<Filters>(filtersFromAddress);
  const [typed, setTyped] = useState(filters.q);
  const [more, setMore] = useState<{ items: Venue[]; nextCursor?: string | undefined }>({ items: [] });
  const [moreError, setMoreError] = useState<unknown>();
  const listRef = useRef<HTMLUListElement>(null);
  const municipalities = useLoad(() => api('GET', '/v1/municipalities', { anonymous: true }), []);
  const venues = useLoad(() => loadVenues(filters), [filters.municipality, filters.sector, filters.q]);
  useEffect(() => {
    history.replaceState(null, '', addressOf(filters));
    setMore({ items: [] });
  }, [filters]);

  const joined = (municipalities.data?.items ?? []).filter((municipality) => municipality.areaId);
  const byCode = new Map((municipalities.data?.items ?? []).map((item) => [item.code, item]));
  const collator = new Intl.Collator(lang);
  const options = [
    { value: '', label: t('venues.anyMunicipality') },
    ...joined
      .map((municipality) => ({ value: municipality.code, label: municipalityName(municipality, lang) }))
      .sort((a, b) => collator.compare(a.label, b.label)),
  ];
  const shown = [...(venues.data?.items ?? []), ...more.items];
  const nextCursor = more.nextCursor ?? (more.items.length === 0 ? venues.data?.nextCursor : undefined);
  const showMore = async () => {
    setMoreError(undefined);
    const before = shown.length;
    try {
      const page = await loadVenues(filters, nextCursor);
      setMore({ items: [...more.items, ...page.items], nextCursor: page.nextCursor });
      // The first new venue gets the focus: the reader goes on where the list grew.
      requestAnimationFrame(() =>
        listRef.current?.querySelectorAll<HTMLElement>('li.venue h2')[before]?.focus(),
      );
    } catch (failure) {
      setMoreError(failure);
    }
  };

  return (
    <section class="venues-page">
      <h1 tabIndex={-1}>{t('venues.title')}</h1>
      <p>{t('venues.intro')}</p>
      <search>
        <form
          class="venue-filters"
          onSubmit={(event) => {
            event.preventDefault();
            setFilters({ ...filters, q: typed });
          }}
        >
          <Select
            label={t('venues.municipality')}
            value={filters.municipality}
            onValue={(municipality) => setFilters({ ...filters, municipality, q: typed })}
            options={options}
          />
          <Select
            label={t('venues.sector')}
            value={filters.sector}
            onValue={(sector) => setFilters({ ...filters, sector, q: typed })}
            options={[
              { value: '', label: t('venues.anySector') },
              ...sectors.map((sector) => ({ value: sector, label: t(`sector.${sector}`) })),
            ]}
          />
          <Field
            label={t('venues.search')}
            hint={t('venues.searchHint')}
            value={typed}
            onValue={setTyped}
            maxLength={100}
          />
          <button type="submit" class="primary">
            {t('venues.find')}
          </button>
        </form>
      </search>
      <ErrorMessage error={municipalities.error ?? venues.error ?? moreError} />
      <p role="status" class="venue-count">
        {venues.loading
          ? t('common.loading')
          : shown.length === 0
            ? t('venues.none')
            : t(nextCursor ? 'venues.countMore' : 'venues.count', { count: shown.length })}
      </p>
      <ul class="venue-list" ref={listRef}>
        {shown.map((venue) => (
          <VenueCard key={venue.venueId} venue={venue} municipalities={byCode} />
        ))}
      </ul>
      {nextCursor && !venues.loading && (
        <button type="button" onClick={() => void showMore()}>
          {t('common.showMore')}
        </button>
      )}
    </section>
  );
}
