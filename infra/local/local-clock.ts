// KAIKU_CLOCK=<ISO 8601 instant>: the local service runs as if it were that time, the clock moving on in
// real time from there (docs/api.md, "Local service conventions"). Read once, at start, and turned into an
// offset from the real time that every part of the service shares (shared/lib/clock.ts). Never honoured in
// AWS: the CDK app refuses it (infra/kaiku-app.ts).
import { parseInstant } from '../../shared/lib/dates.ts';
import { StartupError } from './dynamodb.ts';

export const clockVariable = 'KAIKU_CLOCK';

/** The instant KAIKU_CLOCK names; a StartupError (one line) when it is not an ISO instant with a zone. */
export function parseKaikuClock(text: string): Date {
  const instant = parseInstant(text.trim());
  if (!instant)
    throw new StartupError(
      `${clockVariable} must be an ISO 8601 instant with its zone, e.g. 2025-09-01T12:00:00+03:00 or 2025-09-01T09:00:00Z (it is '${text}').`,
    );
  return instant;
}

/** The clock's offset from the real time that KAIKU_CLOCK asks for; undefined when it is not set. */
export function clockOffsetFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  realNowMs = Date.now(),
): number | undefined {
  const text = env[clockVariable];
  if (text === undefined || text.trim() === '') return undefined;
  return parseKaikuClock(text).getTime() - realNowMs;
}
