// A camera fed from a file for Chromium's fake video capture: the QR code a page printed, read back from
// its SVG path, drawn into a Y4M video (raw YUV 4:2:0 frames after a one-line text header). The desk's
// camera then sees exactly what a card printed by the app shows.
import { writeFileSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { chromiumPath } from './browser.ts';

/** Dark modules of the print view's QR code, from its SVG (`viewBox="0 0 n n"`, `M x y h1v1h-1z` squares). */
export function matrixOfQrSvg(viewBox: string, d: string): boolean[][] {
  const size = Number(viewBox.split(' ')[2]);
  const matrix = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [, x, y] of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) matrix[Number(y)]![Number(x)] = true;
  return matrix;
}

/** Grey pixels (0 black, 255 white) of the code scaled up and centred on a white frame. */
export function drawCode(matrix: boolean[][], width: number, height: number, scale: number): Uint8Array {
  const pixels = new Uint8Array(width * height).fill(235);
  const side = matrix.length * scale;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++)
      pixels[(top + y) * width + left + x] = matrix[Math.floor(y / scale)]![Math.floor(x / scale)] ? 20 : 235;
  return pixels;
}

/** A Y4M file of `frames` identical grey frames (chroma neutral), as Chromium's fake capture reads it. */
export function writeY4m(path: string, grey: Uint8Array, width: number, height: number, frames = 10): void {
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(grey), chroma]);
  writeFileSync(path, Buffer.concat([header, ...Array<Buffer>(frames).fill(frame)]));
}

/** Chromium whose camera shows the video file, permission granted as if the user had said yes. */
export function launchWithCamera(videoFile: string): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-gpu',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${videoFile}`,
    ],
  });
}
