// Reading the card's QR code with the device's camera: one press opens the camera, the first frame with a
// valid card number fills the desk's number field and closes the camera. Typing stays: a code that is not
// a card number, a refused or missing camera, each says so and leaves the field to the keyboard.
import { useEffect, useRef, useState } from 'preact/hooks';
import { parseCardNumber } from '../../../shared/contract/card-number-check.ts';
import { useT } from '../i18n/i18n.ts';
import { type FrameReader, frameReader } from '../qr/frame-reader.ts';

type ScanState =
  | { readonly kind: 'closed' }
  | { readonly kind: 'starting' | 'scanning' | 'notACard' }
  | { readonly kind: 'problem'; readonly problem: 'denied' | 'noCamera' | 'failed' };

/** A pause between frames: a phone's battery and the desk's other work matter more than 30 reads a second. */
const frameIntervalMs = 120;

function cameraProblem(error: unknown): 'denied' | 'noCamera' | 'failed' {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'noCamera';
  return 'failed';
}

export function QrScanner({ onScanned }: { readonly onScanned: (cardNumber: string) => void }) {
  const t = useT();
  const [state, setState] = useState<ScanState>({ kind: 'closed' });
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const session = useRef(0);

  const stop = () => {
    session.current += 1;
    clearTimeout(timer.current);
    for (const track of stream.current?.getTracks() ?? []) track.stop();
    stream.current = undefined;
  };
  useEffect(() => stop, []);

  const readFrames = (reader: FrameReader, mine: number) => {
    const next = async () => {
      if (session.current !== mine || !video.current) return;
      let text: string | undefined;
      try {
        text = await reader(video.current);
      } catch {
        text = undefined;
      }
      if (session.current !== mine) return;
      if (text !== undefined) {
        const parsed = parseCardNumber(text);
        if ('cardNumber' in parsed) {
          stop();
          setState({ kind: 'closed' });
          onScanned(parsed.cardNumber);
          return;
        }
        setState({ kind: 'notACard' });
      }
      timer.current = setTimeout(next, frameIntervalMs);
    };
    void next();
  };

  const open = async () => {
    stop();
    const mine = session.current;
    setState({ kind: 'starting' });
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('no camera', 'NotFoundError');
      const [camera, reader] = await Promise.all([
        navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }),
        frameReader(),
      ]);
      if (session.current !== mine) {
        for (const track of camera.getTracks()) track.stop();
        return;
      }
      stream.current = camera;
      setState({ kind: 'scanning' });
      const element = video.current;
      if (!element) throw new DOMException('no video element', 'AbortError');
      element.srcObject = camera;
      await element.play();
      readFrames(reader, mine);
    } catch (error) {
      if (session.current !== mine) return;
      stop();
      setState({ kind: 'problem', problem: cameraProblem(error) });
    }
  };

  const close = () => {
    stop();
    setState({ kind: 'closed' });
  };

  const cameraOn = state.kind === 'starting' || state.kind === 'scanning' || state.kind === 'notACard';
  return (
    <div class="qr-scanner">
      {/* The video element exists while the camera is on, so the stream has somewhere to go. */}
      {cameraOn && <video ref={video} class="qr-video" muted playsInline aria-label={t('qr.videoLabel')} />}
      {/* One button that opens and closes the camera: the keyboard's focus stays on it either way. */}
      <button type="button" class={cameraOn ? undefined : 'scan'} onClick={cameraOn ? close : open}>
        {t(cameraOn ? 'qr.close' : 'qr.scan')}
      </button>
      <p
        class={state.kind === 'problem' || state.kind === 'notACard' ? 'warning' : 'hint'}
        aria-live="polite"
      >
        {state.kind === 'starting' && t('qr.starting')}
        {state.kind === 'scanning' && t('qr.pointCamera')}
        {state.kind === 'notACard' && t('qr.notACard')}
        {state.kind === 'problem' && t(`qr.${state.problem}`)}
      </p>
    </div>
  );
}
