// The help page: for each group of users (the signed-in person's own first), its common tasks and what to
// do when the service refuses something, then the national centre's support contact.
import { isMessageKey, type MessageKey, useT } from '../i18n/i18n.ts';
import type { Role } from '../roles.ts';
import { useSession } from '../session.ts';
import { supportContact, telLink } from './support-contact.ts';

type Topic = 'public' | 'desk' | 'distributor' | 'area' | 'national';

interface HelpTopic {
  readonly title: MessageKey;
  readonly tasks: readonly MessageKey[];
  readonly refused: readonly MessageKey[];
}

/** The keys `prefix`1, `prefix`2, …: as many as the messages have (the national centre has fewer). */
function numbered(prefix: string): MessageKey[] {
  const keys: MessageKey[] = [];
  for (let key = `${prefix}1`; isMessageKey(key); key = `${prefix}${keys.length + 1}`) keys.push(key);
  return keys;
}

/** A group's texts: help.<topic>.title, its tasks help.<topic>.task1… and refusals help.<topic>.refused1…. */
const helpTopic = (topic: Topic): HelpTopic => ({
  title: `help.${topic}.title`,
  tasks: numbered(`help.${topic}.task`),
  refused: numbered(`help.${topic}.refused`),
});

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
  const shown = (own ? [own, ...order.filter((topic) => topic !== own)] : order).map((id) => ({
    id,
    ...helpTopic(id),
  }));
  return (
    <section class="help">
      <h1 tabIndex={-1}>{t('help.title')}</h1>
      <p>{t('help.intro')}</p>
      <nav aria-labelledby="help-contents">
        <h2 id="help-contents">{t('help.contents')}</h2>
        <ul>
          {shown.map(({ id, title }) => (
            <li key={id}>
              <a href={`#help-${id}`}>{t(title)}</a>
              {id === own && <> ({t('help.yourRole')})</>}
            </li>
          ))}
          <li>
            <a href="#help-support">{t('support.title')}</a>
          </li>
        </ul>
      </nav>
      {shown.map(({ id, title, tasks, refused }) => (
        <section key={id} id={`help-${id}`} aria-labelledby={`help-${id}-title`}>
          <h2 id={`help-${id}-title`} tabIndex={-1}>
            {t(title)}
          </h2>
          <HelpList heading="help.tasks" items={tasks} />
          <HelpList heading="help.refused" items={refused} />
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

function HelpList({
  heading,
  items,
}: {
  readonly heading: MessageKey;
  readonly items: readonly MessageKey[];
}) {
  const t = useT();
  return (
    <>
      <h3>{t(heading)}</h3>
      <ul>
        {items.map((key) => (
          <li key={key}>{t(key)}</li>
        ))}
      </ul>
    </>
  );
}
