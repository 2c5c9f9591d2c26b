// The service worker (web/sw/sw.ts) keeps the app loading without a network; only the built app has it.
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // Without it the app still works online; nothing to tell the user.
    });
  });
}
