import { render } from 'preact';
import { App } from './app.tsx';
import { installFocusKeeper } from './components/focus-keeper.ts';
import { language } from './i18n/i18n.ts';
import { registerServiceWorker } from './offline/register.ts';
import { startQueueSender } from './offline/sender.ts';

const syncLang = () => {
  document.documentElement.lang = language.get();
};
syncLang();
language.subscribe(syncLang);

const root = document.getElementById('app')!;
installFocusKeeper(root);
render(<App />, root);
registerServiceWorker();
startQueueSender();
