// The QR reader for browsers without BarcodeDetector (Chromium on Linux, Firefox): jsQR, pure JavaScript
// (Apache-2.0), no WebAssembly for the CSP to refuse. Imported dynamically when the camera opens.
import jsQR from 'jsqr';
import type { FrameReader } from './frame-reader.ts';

export function jsqrReader(): FrameReader {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!context || width === 0 || height === 0) return undefined;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const image = context.getImageData(0, 0, width, height);
    return jsQR(image.data, width, height, { inversionAttempts: 'dontInvert' })?.data;
  };
}
