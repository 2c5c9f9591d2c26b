// The QR code printed on a card, drawn as inline SVG (no data: URL for the CSP to refuse). The encoder
// is loaded only when a card is printed.
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.ts';
import type { QrPath } from './qr-path.ts';

/** What the code holds: the canonical card number without its dashes (the desk's reader accepts both). */
export const qrContent = (cardNumber: string) => cardNumber.replace(/-/g, '');

export function CardQr({ cardNumber }: { readonly cardNumber: string }) {
  const t = useT();
  const [path, setPath] = useState<QrPath>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    import('./qr-path.ts').then(
      ({ qrPath }) => current && setPath(qrPath(qrContent(cardNumber))),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [cardNumber]);
  if (failed) return <p class="no-print warning">{t('qr.printFailed')}</p>;
  if (!path) return <div class="card-qr" aria-busy="true" />;
  return (
    <svg
      class="card-qr"
      viewBox={`0 0 ${path.size} ${path.size}`}
      role="img"
      aria-label={t('qr.imageLabel', { cardNumber })}
      shape-rendering="crispEdges"
    >
      <rect width={path.size} height={path.size} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}
