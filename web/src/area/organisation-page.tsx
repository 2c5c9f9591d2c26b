// One organisation of the area: its people (people-section.tsx), its machine keys (keys-section.tsx), and
// deactivating or reactivating the organisation.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { useLoad } from '../components/use-load.ts';
import { useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';
import { requireSession } from '../session.ts';
import { listOrganisations, type Organisation } from './area-data.ts';
import { KeysSection } from './keys-section.tsx';
import { NationalAreaHeader } from './national-area-header.tsx';
import { areaHome } from './organisations.tsx';
import { PeopleSection } from './people-section.tsx';
import { VenueSettings } from './venue-settings.tsx';

/** The venue's public profile as the directory shows it, and the area admin's hiding of it. */
function VenueListing({
  orgId,
  hidden,
  onChanged,
}: {
  orgId: string;
  hidden: boolean;
  onChanged: () => void;
}) {
  const t = useT();
  const profile = useLoad(
    () => api('GET', '/v1/organisations/{orgId}/profile', { path: { orgId } }),
    [orgId, hidden],
  );
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const setHidden = async (hiddenFromDirectory: boolean) => {
    setError(undefined);
    try {
      await api('PATCH', '/v1/organisations/{orgId}', { path: { orgId }, body: { hiddenFromDirectory } });
      setConfirming(false);
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  };
  const listed = profile.data?.listed === true;
  return (
    <section aria-labelledby="listing-title">
      <h2 id="listing-title">{t('listing.title')}</h2>
      <ErrorMessage error={profile.error ?? error} />
      <p role="status">
        {hidden
          ? t('listing.hidden')
          : listed
            ? t('listing.listed')
            : profile.data?.published
              ? t('listing.notListed')
              : t('listing.unpublished')}
      </p>
      {profile.data?.offer && <blockquote>{profile.data.offer.fi}</blockquote>}
      {hidden ? (
        <button type="button" onClick={() => void setHidden(false)}>
          {t('listing.show')}
        </button>
      ) : confirming ? (
        <p>
          {t('listing.confirmHide')}{' '}
          <button type="button" class="danger" onClick={() => void setHidden(true)}>
            {t('listing.hide')}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </p>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          {t('listing.hide')}
        </button>
      )}
    </section>
  );
}

/** `nationalAreaId`: the area the national centre opened; without it, the area admin's own area. */
export function OrganisationPage({ orgId, nationalAreaId }: { orgId: string; nationalAreaId?: string }) {
  const t = useT();
  const areaId = nationalAreaId ?? requireSession().areaId;
  const list = useLoad(() => listOrganisations(areaId ?? ''), [areaId]);
  const [error, setError] = useState<unknown>();
  const organisation: Organisation | undefined = list.data?.items.find((item) => item.id === orgId);
  const setStatus = async (status: 'active' | 'inactive') => {
    setError(undefined);
    try {
      await api('PATCH', '/v1/organisations/{orgId}', { path: { orgId }, body: { status } });
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section>
      <h1 tabIndex={-1}>{organisation ? organisation.name : t('org.title')}</h1>
      {nationalAreaId && <NationalAreaHeader areaId={nationalAreaId} />}
      <ErrorMessage error={list.error ?? error} />
      {organisation && (
        <>
          <dl class="facts">
            <dt>{t('orgs.kind')}</dt>
            <dd>{t(`kind.${organisation.kind}`)}</dd>
            <dt>{t('orgs.status')}</dt>
            <dd>{t(`orgs.status.${organisation.status}`)}</dd>
            <dt>{t('orgs.contactEmail')}</dt>
            <dd>{organisation.contactEmail ?? '–'}</dd>
            {organisation.cardLimitPerDay !== undefined && (
              <>
                <dt>{t('orgs.cardLimitPerDay')}</dt>
                <dd>{organisation.cardLimitPerDay}</dd>
              </>
            )}
          </dl>
          {organisation.kind !== 'area-admin' && (
            <button
              type="button"
              onClick={() => void setStatus(organisation.status === 'active' ? 'inactive' : 'active')}
            >
              {t(organisation.status === 'active' ? 'org.deactivate' : 'org.reactivate')}
            </button>
          )}
          <VenueSettings organisation={organisation} onChanged={list.reload} />
          {organisation.kind === 'venue' && (
            <VenueListing
              orgId={orgId}
              hidden={organisation.hiddenFromDirectory === true}
              onChanged={list.reload}
            />
          )}
          <PeopleSection orgId={orgId} />
          <KeysSection orgId={orgId} />
        </>
      )}
      <p>
        <Link href={areaHome(nationalAreaId)}>{t('orgs.title')}</Link>
      </p>
    </section>
  );
}
