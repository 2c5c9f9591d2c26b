// The second-factor page is loaded when someone needs it: its QR encoder stays out of the first download.
import { lazyPage } from '../components/lazy.tsx';

export const LazySecondFactor = lazyPage('mfa.title', () =>
  import('./second-factor.tsx').then((module) => module.SecondFactor),
);
