import { render } from 'preact';
import { App } from './app.tsx';
import { language } from './i18n/i18n.ts';
import { registerServiceWorker } from './offline/register.ts';
import { startQueueSender } from './offline/sender.ts';

const syncLang = () => {
  document.documentElement.lang = language.get();
};
syncLang();
language.subscribe(syncLang);

render(<App />, document.getElementById('app')!);
registerServiceWorker();
startQueueSender();
