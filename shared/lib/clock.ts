// The one clock of the service: every "now" in shared/, functions/ and the scripts that act as the
// service comes from here (test/unit/clock.test.ts finds any other).
//
// In AWS it is the system clock, always. This module reads no environment variable: its offset is 0 unless
// code calls setClockOffset or useClockBuffer, which only the local runtime (infra/local/) and the scripts
// that work on the local service do, and both refuse inside Lambda (AWS_EXECUTION_ENV). The CDK app
// refuses KAIKU_CLOCK at synth and never puts it in a function's environment (docs/decisions/0013).
//
// Locally, KAIKU_CLOCK=<ISO instant> makes npm start run as if it were that time: the runtime turns it into
// an offset from the real time once, at start, and every function's worker thread reads the same offset
// from one SharedArrayBuffer, so every part agrees and the clock moves on in real time from that instant.
// `npm run seed -- --months` moves it forward through the past in a service of its own.
//
// Cheap: one atomic read and Date.now() per call, no I/O.

let offset = new BigInt64Array(new SharedArrayBuffer(8));

/** Milliseconds since the epoch, by the service's clock. */
export function nowMs(): number {
  return Date.now() + Number(Atomics.load(offset, 0));
}

/** The service's "now". */
export function now(): Date {
  return new Date(nowMs());
}

/** How far the service's clock is ahead of the real time (negative: behind), in milliseconds. */
export function clockOffsetMs(): number {
  return Number(Atomics.load(offset, 0));
}

function refuseInLambda(what: string): void {
  if (process.env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda'))
    throw new Error(`${what}: the clock is the system clock in AWS Lambda (KAIKU_CLOCK is local only)`);
}

/** Local runtime and its scripts only: run the clock `ms` ahead of the real time (negative: behind). */
export function setClockOffset(ms: number): void {
  refuseInLambda('setClockOffset');
  if (!Number.isSafeInteger(ms)) throw new Error(`clock offset ${ms} is not a whole number of milliseconds`);
  Atomics.store(offset, 0, BigInt(ms));
}

/** The buffer the offset lives in, for the local runtime to share with its function workers. */
export function clockBuffer(): SharedArrayBuffer {
  return offset.buffer as SharedArrayBuffer;
}

/** Local function workers only: read the offset from the runtime's buffer from now on. */
export function useClockBuffer(buffer: SharedArrayBuffer): void {
  refuseInLambda('useClockBuffer');
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < 8)
    throw new Error('the clock buffer must be a SharedArrayBuffer of 8 bytes');
  offset = new BigInt64Array(buffer, 0, 1);
}
