// Which area the national centre is looking at, on the area pages it opened, and the way back to all areas.
import { useLoad } from '../components/use-load.ts';
import { useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';
import { getArea } from './area-data.ts';

export function NationalAreaHeader({ areaId }: { readonly areaId: string }) {
  const t = useT();
  const area = useLoad(() => getArea(areaId), [areaId]);
  return (
    <p>
      <Link href="/national/areas">{t('nationalAreas.title')}</Link>
      {' › '}
      <Link href={`/national/areas/${encodeURIComponent(areaId)}`}>{area.data?.name ?? areaId}</Link>
    </p>
  );
}
