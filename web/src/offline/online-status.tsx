// A line under the header while the browser has no connection.
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.ts';

export function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);
  return online;
}

export function OnlineStatus() {
  const t = useT();
  const online = useOnline();
  return (
    <div role="status" class={online ? 'offline-banner hidden' : 'offline-banner'}>
      {online ? '' : t('app.offline')}
    </div>
  );
}
