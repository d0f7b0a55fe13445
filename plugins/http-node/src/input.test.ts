import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';
import { parseInput, queryList } from './input';
import { isoDateOrDateTime } from './dates';

describe('parseInput', () => {
  const body = z
    .object({
      name: z.string().min(1, 'must not be empty'),
      priority: z.enum(['P1', 'P2']),
      from: isoDateOrDateTime.optional(),
      labels: queryList(z.string().max(5)),
    })
    .strict();

  it('returns the parsed value', () => {
    expect(
      parseInput(body, { name: 'a', priority: 'P1', labels: 'x,y' }, 'ticket'),
    ).toEqual({ name: 'a', priority: 'P1', labels: ['x', 'y'] });
  });

  it('names every field that is wrong, in one message format', () => {
    const attempt = () =>
      parseInput(
        body,
        { name: '', priority: 'P9', from: '2026-02-30', extra: 1 },
        'ticket',
      );
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(
      'Invalid ticket: name: must not be empty; priority: "P9" is not one of P1, P2; ' +
        'from: "2026-02-30" is not a real date or date and time; use ISO 8601 such as 2026-11-22 or 2026-11-22T10:00:00Z; ' +
        'unknown field extra (allowed: name, priority, from, labels)',
    );
  });

  it('names the allowed fields through refinements', () => {
    const query = z
      .object({ from: z.string().optional(), to: z.string().optional() })
      .strict()
      .refine(q => !q.from || !q.to || q.from <= q.to, 'from after to');
    expect(() => parseInput(query, { colour: 'red' }, 'query')).toThrow(
      'Invalid query: unknown field colour (allowed: from, to)',
    );
  });

  it("names a list's item by its list, and an index inside a path", () => {
    const schema = z
      .object({
        priority: queryList(z.enum(['P1', 'P2'])),
        variants: z.array(z.object({ name: z.string().min(1, 'is empty') })),
      })
      .strict();
    expect(() =>
      parseInput(
        schema,
        { priority: 'P1,P7', variants: [{ name: 'a' }, { name: '' }] },
        'query',
      ),
    ).toThrow(
      'Invalid query: priority: "P7" is not one of P1, P2; variants.1.name: is empty',
    );
  });

  it("keeps a schema's own message, without naming the field twice", () => {
    const schema = z.object({
      reason: z
        .string({ required_error: 'reason is required: say why' })
        .min(10, 'reason must be at least 10 characters'),
      ticket: z.string().max(3, 'at most 3 characters'),
    });
    expect(() => parseInput(schema, { ticket: 'ABCD' }, 'request')).toThrow(
      'Invalid request: reason is required: say why; ticket: at most 3 characters',
    );
    expect(() =>
      parseInput(schema, { reason: 'short', ticket: 'A' }, 'request'),
    ).toThrow('Invalid request: reason must be at least 10 characters');
  });

  it('names a value that is not an object once, by what it is', () => {
    const reason = z.string().trim().min(1, 'a reason is required');
    expect(() => parseInput(reason, '  ', 'reason')).toThrow(
      /^Invalid reason: a reason is required$/,
    );
    expect(() =>
      parseInput(z.enum(['csv', 'ndjson']), 'xml', 'format'),
    ).toThrow(/^Invalid format: "xml" is not one of csv, ndjson$/);
  });

  it('says a missing field is required', () => {
    expect(() => parseInput(body, { priority: 'P1' }, 'ticket')).toThrow(
      'Invalid ticket: name: is required',
    );
  });

  it('treats an absent body as an empty object', () => {
    expect(() => parseInput(body, undefined, 'ticket')).toThrow(
      /^Invalid ticket: name: is required; priority: is required$/,
    );
  });
});
