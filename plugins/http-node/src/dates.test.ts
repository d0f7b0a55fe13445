import { isRealDate, isRealDateTime, isoDateTime } from './dates';

describe('real dates', () => {
  it.each(['2026-11-22', '2024-02-29', '2026-12-31', '2000-02-29'])(
    'accepts %s',
    value => expect(isRealDate(value)).toBe(true),
  );

  it.each([
    '2026-02-30',
    '2026-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-11-00',
    '2026-1-5',
    '22-11-2026',
    'yesterday',
    '',
  ])('refuses %s', value => expect(isRealDate(value)).toBe(false));

  it.each([
    '2026-11-22T10:00:00Z',
    '2026-11-22T10:00Z',
    '2026-11-22T23:59:59.999+01:00',
    '2026-11-22T00:00:00-0530',
  ])('accepts the date and time %s', value =>
    expect(isRealDateTime(value)).toBe(true),
  );

  it.each([
    '2026-02-30T10:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22T10:60:00Z',
    '2026-11-22T10:00:60Z',
    '2026-11-22T10:00:00',
    '2026-11-22T10:00:00+25:00',
    '2026-11-22',
  ])('refuses the date and time %s', value =>
    expect(isRealDateTime(value)).toBe(false),
  );

  it('says what form it expects', () => {
    const parsed = isoDateTime.safeParse('2026-02-30T10:00:00Z');
    expect(parsed.success).toBe(false);
    expect(!parsed.success && parsed.error.issues[0].message).toBe(
      '"2026-02-30T10:00:00Z" is not a real date and time; use ISO 8601 such as 2026-11-22T10:00:00Z',
    );
  });
});
