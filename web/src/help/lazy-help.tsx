// The help page is loaded when someone opens it: its texts' layout stays out of the first download.
import { lazyPage } from '../components/lazy.tsx';

export const LazyHelp = lazyPage('help.title', () =>
  import('./help-page.tsx').then((module) => module.HelpPage),
);
