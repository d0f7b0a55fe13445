import { badRequest } from './types';

/** One page of a list and the opaque cursor of the next (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Encodes a position as the contracts' opaque `nextCursor`. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

/** Reads a cursor back; a cursor this capability did not issue is a 400 naming the field. */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Number.isInteger(o) && o >= 0) return o;
  } catch {
    // falls through to the 400
  }
  throw badRequest('cursor is not a nextCursor this capability issued', {
    fields: [
      {
        in: 'query',
        field: 'cursor',
        message: 'is not a cursor this capability issued',
      },
    ],
  });
}

/** The page of `items` at `cursor`, `limit` long. */
export function paginate<T>(
  items: T[],
  limit: number,
  cursor: string | undefined,
): Page<T> {
  const offset = decodeCursor(cursor);
  const page = items.slice(offset, offset + limit);
  return offset + limit < items.length
    ? { items: page, nextCursor: encodeCursor(offset + limit) }
    : { items: page };
}
