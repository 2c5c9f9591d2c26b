// Recording a use in at most three interactions after the number is typed: the card's status appears by
// itself, the sector is the one used last, children are counted with the stepper, then "Record". With the
// card's QR code, a holder without children takes two: "Scan" (the camera fills the number), "Record". Without
// a connection the use waits in the queue with its Idempotency-Key and is sent later.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, api, newIdempotencyKey } from '../api.ts';
import { CardNumberField, cardNumberState } from '../components/card-number-field.tsx';
import { ErrorMessage, Notice } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import { Stepper } from '../components/stepper.tsx';
import { formatDate } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { enqueue, type UseBody } from '../offline/queue.ts';
import { type Sector, sectors } from '../roles.ts';
import { requireSession } from '../session.ts';
import { useStore } from '../store.ts';
import { type Lookup, limitsOf, useCardLookup } from './card-lookup.ts';
import { QrScanner } from './qr-scanner.tsx';

const sectorKey = 'kaiku.desk.sector';
const venueKey = 'kaiku.desk.venueId';
const remembered = (key: string) => {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
};
const remember = (key: string, value: string) => {
  try {
    localStorage.setItem(key, value);
  } catch {}
};

type Outcome =
  | { kind: 'recorded'; adults: number; children: number; sector: Sector }
  | { kind: 'queued' }
  | { kind: 'refused'; error: unknown };

/** A connection problem (or the service busy): the use is kept and sent again with its same key. */
const sendLater = (error: unknown) =>
  error instanceof ApiFailure && (error.status === 0 || error.status === 429 || error.status >= 500);

function CardSummary({ lookup }: { lookup: Lookup }) {
  const t = useT();
  const lang = useStore(language);
  if (lookup.kind === 'loading') return <p class="hint">{t('desk.checking')}</p>;
  if (lookup.kind === 'offline') return <p class="warning">{t('desk.cannotCheckOffline')}</p>;
  if (lookup.kind === 'failed') return <ErrorMessage error={lookup.error} />;
  if (lookup.kind !== 'found') return null;
  const { card } = lookup;
  return (
    <div class={`card-summary status-${card.status}`} aria-live="polite">
      <p>
        <strong>{t(`card.status.${card.status}`)}</strong> · {t(`card.type.${card.cardType}`)}
      </p>
      {card.status === 'active' && (
        <>
          <p>{t('desk.validUntil', { date: formatDate(card.validUntil, locale(lang)) })}</p>
          {card.cardType === 'personal' && <p>{t('desk.childrenAllowed', { count: card.minorChildren })}</p>}
          {card.todayAtVenue && (
            <p class={card.todayAtVenue.uses >= card.todayAtVenue.limit ? 'limit-reached' : undefined}>
              {t(card.todayAtVenue.uses >= card.todayAtVenue.limit ? 'desk.limitReached' : 'desk.usedToday', {
                uses: card.todayAtVenue.uses,
                limit: card.todayAtVenue.limit,
              })}
            </p>
          )}
        </>
      )}
      {/* A card that cannot be used says why, and what the holder can do next. */}
      {card.status === 'revoked' && <p>{t('desk.revokedHelp')}</p>}
      {card.status === 'expired' && (
        <p>{t('desk.expiredHelp', { date: formatDate(card.validUntil, locale(lang)) })}</p>
      )}
    </div>
  );
}

export function RecordForm({ onRecorded }: { onRecorded: () => void }) {
  const t = useT();
  const { role, orgId } = requireSession();
  const [number, setNumber] = useState('');
  const [sector, setSector] = useState<string>(() => remembered(sectorKey));
  const [venueId, setVenueId] = useState(() => remembered(venueKey));
  const [adults, setAdults] = useState(1);
  const [children, setChildren] = useState(0);
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  // One key per use: a retry of the same use after a lost answer sends the same key.
  const idempotencyKey = useRef(newIdempotencyKey());
  const numberInput = useRef<HTMLInputElement>(null);
  const outcomeBox = useRef<HTMLDivElement>(null);
  // The answer is where the eye is: next to the number field, in view, and a refusal takes the focus
  // (the button may be disabled now: the keyboard must not fall to the page).
  useEffect(() => {
    if (!outcome) return;
    outcomeBox.current?.scrollIntoView({ block: 'nearest' });
    if (outcome.kind === 'refused') outcomeBox.current?.focus();
  }, [outcome]);
  // The desk waits for the next card: its number field has the focus when the desk opens.
  useEffect(() => numberInput.current?.focus(), []);
  const parsed = cardNumberState(number);
  const cardNumber = parsed.kind === 'valid' ? parsed.cardNumber : undefined;
  const lookup = useCardLookup(cardNumber);
  const limits = limitsOf(lookup);
  const full =
    lookup.kind === 'found' &&
    lookup.card.todayAtVenue !== undefined &&
    lookup.card.todayAtVenue.uses >= lookup.card.todayAtVenue.limit;
  const usable =
    lookup.kind === 'offline' || (lookup.kind === 'found' && lookup.card.status === 'active' && !full);
  const ready =
    usable &&
    (sectors as readonly string[]).includes(sector) &&
    adults + children >= 1 &&
    adults <= limits.adults &&
    children <= limits.children &&
    (role !== 'ticket-agent' || venueId.trim() !== '');

  const typeNumber = (value: string) => {
    setNumber(value);
    setOutcome(undefined);
    setAdults(1);
    setChildren(0);
  };
  const done = (next: Outcome) => {
    setOutcome(next);
    setNumber('');
    setAdults(1);
    setChildren(0);
    idempotencyKey.current = newIdempotencyKey();
    numberInput.current?.focus();
    onRecorded();
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!ready || !cardNumber || busy) return;
    const body: UseBody = {
      cardNumber,
      sector: sector as Sector,
      adults,
      children,
      ...(role === 'ticket-agent' && { venueId: venueId.trim() }),
    };
    setBusy(true);
    try {
      if (lookup.kind === 'offline' || !navigator.onLine) throw new ApiFailure(0, 'NETWORK', 'offline');
      await api('POST', '/v1/usages', { body, headers: { 'idempotency-key': idempotencyKey.current } });
      done({ kind: 'recorded', adults, children, sector: sector as Sector });
    } catch (error) {
      if (sendLater(error)) {
        // It happened now, whenever it is sent: occurredAt keeps its day right.
        await enqueue({
          idempotencyKey: idempotencyKey.current,
          orgId,
          body: { ...body, occurredAt: new Date().toISOString() },
          queuedAt: new Date().toISOString(),
          state: 'pending',
        });
        done({ kind: 'queued' });
      } else setOutcome({ kind: 'refused', error });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form desk-form" onSubmit={submit} aria-label={t('desk.recordForm')}>
      {role === 'ticket-agent' && (
        <Field
          label={t('desk.venueId')}
          required
          value={venueId}
          onValue={(value) => {
            setVenueId(value);
            remember(venueKey, value.trim());
          }}
        />
      )}
      <CardNumberField value={number} onValue={typeNumber} inputRef={numberInput} />
      <QrScanner
        onScanned={(scanned) => {
          typeNumber(scanned);
          numberInput.current?.focus();
        }}
      />
      <div class="desk-outcome" ref={outcomeBox} tabIndex={-1}>
        {outcome?.kind === 'recorded' && (
          <Notice>
            {t('desk.recorded', {
              adults: outcome.adults,
              children: outcome.children,
              sector: t(`sector.${outcome.sector}`),
            })}
          </Notice>
        )}
        {outcome?.kind === 'queued' && <Notice>{t('desk.queued')}</Notice>}
        {outcome?.kind === 'refused' && <ErrorMessage error={outcome.error} />}
      </div>
      <CardSummary lookup={lookup} />
      <fieldset class="sectors">
        <legend>{t('desk.sector')}</legend>
        {sectors.map((value) => (
          <label key={value} class="choice">
            <input
              type="radio"
              name="sector"
              value={value}
              checked={sector === value}
              onChange={() => {
                setSector(value);
                remember(sectorKey, value);
              }}
            />
            {t(`sector.${value}`)}
          </label>
        ))}
      </fieldset>
      <div class="steppers">
        <Stepper
          label={t('desk.adults')}
          value={adults}
          min={0}
          max={limits.adults}
          onChange={setAdults}
          decreaseLabel={t('desk.fewerAdults')}
          increaseLabel={t('desk.moreAdults')}
        />
        <Stepper
          label={t('desk.children')}
          value={children}
          min={0}
          max={limits.children}
          onChange={setChildren}
          decreaseLabel={t('desk.fewerChildren')}
          increaseLabel={t('desk.moreChildren')}
        />
      </div>
      <button type="submit" class="primary big" disabled={!ready || busy}>
        {t('desk.record')}
      </button>
    </form>
  );
}
