// Every page of the app, its path and who may see it. A page for a role needs a person acting for an
// organisation of that role: without a sign-in the sign-in page shows instead, a person with several
// organisations who has not chosen one chooses first, another role gets a short refusal.
import type { JSX } from 'preact';
import { Audit } from './area/audit.tsx';
import { Flags } from './area/flags.tsx';
import { OrganisationPage } from './area/organisation-page.tsx';
import { Organisations } from './area/organisations.tsx';
import { OwnPeoplePage } from './area/own-people-page.tsx';
import { VenueReport } from './area/venue-report.tsx';
import { CardList } from './cards/card-list.tsx';
import { CardPage } from './cards/card-page.tsx';
import { CardsHome } from './cards/cards-home.tsx';
import { NewCard } from './cards/new-card.tsx';
import { PrintCard } from './cards/print-card.tsx';
import { BatchUpload } from './desk/batch-upload.tsx';
import { Desk } from './desk/desk.tsx';
import { VenueProfile } from './desk/profile.tsx';
import { Figures } from './figures/figures.tsx';
import { LazyHelp } from './help/lazy-help.tsx';
import type { MessageKey } from './i18n/i18n.ts';
import { Applications } from './national/applications.tsx';
import { Areas } from './national/areas.tsx';
import { Snapshots } from './national/snapshots.tsx';
import { ApplicationStatus } from './pages/application-status.tsx';
import { Apply } from './pages/apply.tsx';
import { Home } from './pages/home.tsx';
import { NotForRole, NotFound } from './pages/not-found.tsx';
import { Venues } from './pages/venues.tsx';
import type { Role } from './roles.ts';
import { matchPath } from './router.ts';
import { ChooseOrganisation } from './sign-in/choose-organisation.tsx';
import { LazySecondFactor } from './sign-in/lazy-second-factor.tsx';
import { SignIn } from './sign-in/sign-in.tsx';
import { SignedIn } from './sign-in/signed-in.tsx';

/** A page of one object (a card, an organisation) starts afresh for another: `key` remounts it. */
interface PageDefinition {
  readonly pattern: string;
  /** 'person': anyone signed in, whatever organisation they act for. */
  readonly roles: readonly Role[] | 'public' | 'person';
  readonly title: MessageKey;
  readonly render: (params: Record<string, string>) => JSX.Element;
}

const desk: readonly Role[] = ['venue', 'ticket-agent'];

export const pageDefinitions: readonly PageDefinition[] = [
  { pattern: '/', roles: 'public', title: 'home.title', render: () => <Home /> },
  { pattern: '/sign-in', roles: 'public', title: 'signIn.title', render: () => <SignIn /> },
  { pattern: '/signed-in', roles: 'public', title: 'signIn.title', render: () => <SignedIn /> },
  {
    pattern: '/organisation',
    roles: 'person',
    title: 'signIn.chooseTitle',
    render: () => <ChooseOrganisation />,
  },
  {
    pattern: '/second-factor',
    roles: 'person',
    title: 'mfa.title',
    render: () => <LazySecondFactor required={false} />,
  },
  { pattern: '/apply', roles: 'public', title: 'apply.title', render: () => <Apply /> },
  {
    pattern: '/apply/status',
    roles: 'public',
    title: 'status.title',
    render: () => <ApplicationStatus />,
  },
  { pattern: '/venues', roles: 'public', title: 'venues.title', render: () => <Venues /> },
  { pattern: '/help', roles: 'public', title: 'help.title', render: () => <LazyHelp /> },
  { pattern: '/desk', roles: desk, title: 'desk.title', render: () => <Desk /> },
  { pattern: '/desk/batch', roles: desk, title: 'batch.title', render: () => <BatchUpload /> },
  { pattern: '/desk/profile', roles: ['venue'], title: 'profile.title', render: () => <VenueProfile /> },
  { pattern: '/cards', roles: ['distributor'], title: 'cards.title', render: () => <CardsHome /> },
  { pattern: '/cards/new', roles: ['distributor'], title: 'newCard.title', render: () => <NewCard /> },
  { pattern: '/cards/list', roles: ['distributor'], title: 'cardList.title', render: () => <CardList /> },
  {
    pattern: '/cards/:cardNumber',
    roles: ['distributor'],
    title: 'card.title',
    render: ({ cardNumber }) => <CardPage key={cardNumber} cardNumber={cardNumber!} />,
  },
  {
    pattern: '/cards/:cardNumber/print',
    roles: ['distributor'],
    title: 'print.title',
    render: ({ cardNumber }) => <PrintCard key={cardNumber} cardNumber={cardNumber!} />,
  },
  { pattern: '/area', roles: ['area-admin'], title: 'orgs.title', render: () => <Organisations /> },
  {
    pattern: '/people',
    roles: ['area-admin', 'distributor', 'venue', 'ticket-agent', 'partner'],
    title: 'people.ownTitle',
    render: () => <OwnPeoplePage />,
  },
  {
    pattern: '/area/organisations/:orgId',
    roles: ['area-admin'],
    title: 'org.title',
    render: ({ orgId }) => <OrganisationPage key={orgId} orgId={orgId!} />,
  },
  { pattern: '/area/figures', roles: ['area-admin'], title: 'figures.title', render: () => <Figures /> },
  {
    pattern: '/area/report',
    roles: ['area-admin'],
    title: 'venueReport.title',
    render: () => <VenueReport />,
  },
  { pattern: '/area/audit', roles: ['area-admin'], title: 'audit.title', render: () => <Audit /> },
  { pattern: '/area/flags', roles: ['area-admin'], title: 'flags.title', render: () => <Flags /> },
  { pattern: '/national', roles: ['admin'], title: 'applications.title', render: () => <Applications /> },
  { pattern: '/national/areas', roles: ['admin'], title: 'nationalAreas.title', render: () => <Areas /> },
  {
    pattern: '/national/areas/:areaId',
    roles: ['admin'],
    title: 'orgs.title',
    render: ({ areaId }) => <Organisations key={areaId} nationalAreaId={areaId!} />,
  },
  {
    pattern: '/national/areas/:areaId/organisations/:orgId',
    roles: ['admin'],
    title: 'org.title',
    render: ({ areaId, orgId }) => (
      <OrganisationPage key={`${areaId}/${orgId}`} orgId={orgId!} nationalAreaId={areaId!} />
    ),
  },
  { pattern: '/national/figures', roles: ['admin'], title: 'figures.title', render: () => <Figures /> },
  {
    pattern: '/national/snapshots',
    roles: ['admin'],
    title: 'snapshots.title',
    render: () => <Snapshots />,
  },
  { pattern: '/national/audit', roles: ['admin'], title: 'audit.title', render: () => <Audit /> },
  { pattern: '/national/flags', roles: ['admin'], title: 'flags.title', render: () => <Flags /> },
  { pattern: '/snapshots', roles: ['partner'], title: 'snapshots.title', render: () => <Snapshots /> },
];

export function findPage(
  path: string,
  role: Role | undefined,
  signedIn = role !== undefined,
): { title: MessageKey; render: () => JSX.Element } {
  for (const page of pageDefinitions) {
    const params = matchPath(page.pattern, path === '' ? '/' : path);
    if (!params) continue;
    if (page.roles === 'public') return { title: page.title, render: () => page.render(params) };
    if (!signedIn) return { title: 'signIn.title', render: () => <SignIn /> };
    if (page.roles === 'person' && (role || page.pattern === '/organisation'))
      return { title: page.title, render: () => page.render(params) };
    if (!role) return { title: 'signIn.chooseTitle', render: () => <ChooseOrganisation /> };
    if (page.roles === 'person') return { title: page.title, render: () => page.render(params) };
    if (!page.roles.includes(role)) return { title: 'notForRole.title', render: () => <NotForRole /> };
    return { title: page.title, render: () => page.render(params) };
  }
  return { title: 'notFound.title', render: () => <NotFound /> };
}
