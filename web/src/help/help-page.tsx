// The help page: for each group of users (the signed-in person's own first), its common tasks and what to
// do when the service refuses something, then the national centre's support contact.
import { type MessageKey, useT } from '../i18n/i18n.ts';
import type { Role } from '../roles.ts';
import { useSession } from '../session.ts';
import { supportContact, telLink } from './support-contact.ts';

type Topic = 'public' | 'desk' | 'distributor' | 'area' | 'national';

interface HelpTopic {
  readonly title: MessageKey;
  readonly tasks: readonly MessageKey[];
  readonly refused: readonly MessageKey[];
}

const topics: Readonly<Record<Topic, HelpTopic>> = {
  public: {
    title: 'help.public.title',
    tasks: ['help.public.task1', 'help.public.task2', 'help.public.task3', 'help.public.task4'],
    refused: ['help.public.refused1', 'help.public.refused2', 'help.public.refused3', 'help.public.refused4'],
  },
  desk: {
    title: 'help.desk.title',
    tasks: ['help.desk.task1', 'help.desk.task2', 'help.desk.task3', 'help.desk.task4'],
    refused: ['help.desk.refused1', 'help.desk.refused2', 'help.desk.refused3', 'help.desk.refused4'],
  },
  distributor: {
    title: 'help.distributor.title',
    tasks: [
      'help.distributor.task1',
      'help.distributor.task2',
      'help.distributor.task3',
      'help.distributor.task4',
    ],
    refused: [
      'help.distributor.refused1',
      'help.distributor.refused2',
      'help.distributor.refused3',
      'help.distributor.refused4',
    ],
  },
  area: {
    title: 'help.area.title',
    tasks: ['help.area.task1', 'help.area.task2', 'help.area.task3', 'help.area.task4'],
    refused: ['help.area.refused1', 'help.area.refused2', 'help.area.refused3', 'help.area.refused4'],
  },
  national: {
    title: 'help.national.title',
    tasks: ['help.national.task1', 'help.national.task2', 'help.national.task3'],
    refused: ['help.national.refused1', 'help.national.refused2', 'help.national.refused3'],
  },
};

/** The topic of the signed-in role, shown first (a partner only fetches statistics: no topic of its own). */
const topicOfRole: Readonly<Partial<Record<Role, Topic>>> = {
  venue: 'desk',
  'ticket-agent': 'desk',
  distributor: 'distributor',
  'area-admin': 'area',
  admin: 'national',
};

const order: readonly Topic[] = ['public', 'desk', 'distributor', 'area', 'national'];

export function HelpPage() {
  const t = useT();
  const role = useSession()?.role;
  const own = role ? topicOfRole[role] : undefined;
  const shown = own ? [own, ...order.filter((topic) => topic !== own)] : order;
  return (
    <section class="help">
      <h1 tabIndex={-1}>{t('help.title')}</h1>
      <p>{t('help.intro')}</p>
      <nav aria-labelledby="help-contents">
        <h2 id="help-contents">{t('help.contents')}</h2>
        <ul>
          {shown.map((topic) => (
            <li key={topic}>
              <a href={`#help-${topic}`}>{t(topics[topic].title)}</a>
              {topic === own && <> ({t('help.yourRole')})</>}
            </li>
          ))}
          <li>
            <a href="#help-support">{t('support.title')}</a>
          </li>
        </ul>
      </nav>
      {shown.map((topic) => (
        <section key={topic} id={`help-${topic}`} aria-labelledby={`help-${topic}-title`}>
          <h2 id={`help-${topic}-title`} tabIndex={-1}>
            {t(topics[topic].title)}
          </h2>
          <h3>{t('help.tasks')}</h3>
          <ul>
            {topics[topic].tasks.map((key) => (
              <li key={key}>{t(key)}</li>
            ))}
          </ul>
          <h3>{t('help.refused')}</h3>
          <ul>
            {topics[topic].refused.map((key) => (
              <li key={key}>{t(key)}</li>
            ))}
          </ul>
        </section>
      ))}
      <section id="help-support" aria-labelledby="help-support-title">
        <h2 id="help-support-title" tabIndex={-1}>
          {t('support.title')}
        </h2>
        <p>{t('support.when')}</p>
        <dl class="facts">
          <dt>{t('support.email')}</dt>
          <dd>
            <a href={`mailto:${supportContact.email}`}>{supportContact.email}</a>
          </dd>
          <dt>{t('support.phone')}</dt>
          <dd>
            <a href={telLink(supportContact.phone)}>{supportContact.phone}</a>
          </dd>
        </dl>
      </section>
    </section>
  );
}
