// Opaque list cursors: where the previous page stopped, base64url-encoded. A cursor that does not
// decode to that shape is the client's mistake (400), never ours.
import { invalid } from './errors.ts';

export type Position = { key?: Record<string, string>; month?: string };

export function encodeCursor(position: Position | undefined): string | undefined {
  if (!position || (!position.key && !position.month)) return undefined;
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

const bad = () => invalid([{ field: 'cursor', problem: 'is not a cursor this service gave out' }]);

export function decodeCursor(cursor: string | undefined): Position | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (value === null || typeof value !== 'object') throw bad();
  const { key, month } = value as Record<string, unknown>;
  if (month !== undefined && (typeof month !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)))
    throw bad();
  if (key !== undefined) {
    if (key === null || typeof key !== 'object') throw bad();
    if (!Object.values(key).every((part) => typeof part === 'string' && part.length < 1024)) throw bad();
  }
  return value as Position;
}

export { bad as badCursor };
