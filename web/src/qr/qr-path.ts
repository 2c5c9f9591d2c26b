// A card's QR code as one SVG path: the card number only (12 characters with the check character, no
// personal data), error correction M so a worn or creased card still reads. This module pulls in the
// encoder (uqr); it is imported dynamically by the print view, so the first JavaScript stays small.
import { encode } from 'uqr';

export interface QrPath {
  /** Modules per side, the quiet zone included. */
  readonly size: number;
  /** One `M x y h1 v1 h-1 z` square per dark module. */
  readonly d: string;
}

export function qrPath(text: string): QrPath {
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  let d = '';
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  return { size, d };
}
