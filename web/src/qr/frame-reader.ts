// Reading a QR code from the camera's current frame: the browser's own BarcodeDetector where it reads QR
// codes (Chrome on Android, Safari), otherwise jsQR, loaded only now (it is not in the first JavaScript).

/** The text of a QR code in the video's current frame, or undefined when there is none. */
export type FrameReader = (video: HTMLVideoElement) => Promise<string | undefined>;

interface DetectedBarcode {
  readonly rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

async function nativeReader(): Promise<FrameReader | undefined> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return undefined;
  try {
    if (!(await Detector.getSupportedFormats()).includes('qr_code')) return undefined;
    const detector = new Detector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue;
  } catch {
    return undefined;
  }
}

export async function frameReader(): Promise<FrameReader> {
  const native = await nativeReader();
  if (native) return native;
  const { jsqrReader } = await import('./jsqr-reader.ts');
  return jsqrReader();
}
