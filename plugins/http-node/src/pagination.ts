import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';

/** The most items a page holds unless a router says otherwise. */
export const DEFAULT_MAX_PAGE_SIZE = 500;
const MAX_CURSOR_LENGTH = 500;

/**
 * One page of a list, the same shape on every route: the items, and the
 * cursor to pass for the next page (absent on the last page).
 */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The query parameters of a paginated list: `cursor` and `limit`. */
export function pageQuery(options: { maxLimit?: number } = {}) {
  const maxLimit = options.maxLimit ?? DEFAULT_MAX_PAGE_SIZE;
  return {
    cursor: z.string().max(MAX_CURSOR_LENGTH).optional(),
    limit: z.coerce
      .number()
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(maxLimit, `limit must be at most ${maxLimit}`)
      .optional(),
  };
}

/** An opaque cursor for a position in a list (base64url JSON). */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by `encodeCursor`, checked against the position's
 * schema; anything else is a 400 that says to start from the first page.
 */
export function decodeCursor<T extends z.ZodTypeAny>(
  cursor: string,
  position: T,
): z.output<T> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = position.safeParse(value);
  if (!parsed.success) {
    throw new InputError(
      'Invalid query: cursor: not a cursor this list gave out; start again from the first page',
    );
  }
  return parsed.data;
}

/**
 * The page of `rows` read with `limit + 1`: at most `limit` items, and a
 * cursor when there were more.
 */
export function pageOf<T>(
  rows: T[],
  limit: number,
  positionOf: (last: T) => unknown,
): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return {
    items,
    nextCursor: encodeCursor(positionOf(items[items.length - 1])),
  };
}
