import { z } from 'zod/v3';
import { decodeCursor, encodeCursor, pageOf, pageQuery } from './pagination';
import { parseInput } from './input';

describe('pagination', () => {
  it('gives a cursor only when there was more', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    expect(pageOf(rows, 3, r => r.id)).toEqual({ items: rows });
    const page = pageOf(rows, 2, r => ({ after: r.id }));
    expect(page.items).toEqual([{ id: 1 }, { id: 2 }]);
    expect(
      decodeCursor(page.nextCursor!, z.object({ after: z.number() })),
    ).toEqual({
      after: 2,
    });
  });

  it('refuses a cursor it did not give out', () => {
    const position = z.object({ after: z.number() });
    expect(() => decodeCursor('not-a-cursor', position)).toThrow(
      /start again from the first page/,
    );
    expect(() => decodeCursor(encodeCursor({ after: 'x' }), position)).toThrow(
      /start again from the first page/,
    );
  });

  it('bounds the limit', () => {
    const query = z.object(pageQuery({ maxLimit: 50 })).strict();
    expect(parseInput(query, { limit: '20' }, 'query')).toEqual({ limit: 20 });
    expect(() => parseInput(query, { limit: '51' }, 'query')).toThrow(
      'Invalid query: limit must be at most 50',
    );
    expect(() => parseInput(query, { limit: '1.5' }, 'query')).toThrow(
      'Invalid query: limit must be a whole number',
    );
  });
});
