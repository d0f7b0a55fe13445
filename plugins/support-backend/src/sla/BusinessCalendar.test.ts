import { AlwaysOpenCalendar, WorkingHoursCalendar } from './BusinessCalendar';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const office = WorkingHoursCalendar.create({
  name: 'office',
  timezone: 'Europe/Berlin',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  holidays: ['2026-12-25'],
});

describe('business calendars', () => {
  it('runs the 24x7 clock as the wall clock', () => {
    const always = new AlwaysOpenCalendar();
    expect(always.add(at('2026-12-05T10:00:00Z'), 4 * HOUR)).toBe(
      at('2026-12-05T14:00:00Z'),
    );
    expect(always.between(10, 5)).toBe(0);
  });

  it('counts only working hours in the office zone', () => {
    // Thursday 16:00 Berlin (15:00 UTC) + 2 business hours = Friday 10:00 Berlin
    expect(
      new Date(office.add(at('2026-12-03T15:00:00Z'), 2 * HOUR)).toISOString(),
    ).toBe('2026-12-04T09:00:00.000Z');
    expect(
      office.between(at('2026-12-03T15:00:00Z'), at('2026-12-04T09:00:00Z')),
    ).toBe(2 * HOUR);
  });

  it('skips weekends and holidays', () => {
    // Thursday 24 Dec 16:00 Berlin + 2 h: Friday 25th is a holiday, then the weekend
    expect(
      new Date(office.add(at('2026-12-24T15:00:00Z'), 2 * HOUR)).toISOString(),
    ).toBe('2026-12-28T09:00:00.000Z');
  });

  it('starts a clock raised at night at the next opening', () => {
    expect(
      new Date(office.add(at('2026-12-07T02:00:00Z'), HOUR)).toISOString(),
    ).toBe('2026-12-07T09:00:00.000Z');
  });

  it('follows the office clock across daylight saving', () => {
    // 30 March 2026 is the first Monday of summer time: 09:00 Berlin is 07:00 UTC
    expect(
      new Date(office.add(at('2026-03-30T00:00:00Z'), HOUR)).toISOString(),
    ).toBe('2026-03-30T08:00:00.000Z');
  });

  it('refuses a calendar it cannot keep', () => {
    const base = {
      name: 'x',
      timezone: 'Europe/Berlin',
      days: ['mon' as const],
      start: '09:00',
      end: '17:00',
      holidays: [],
    };
    expect(() =>
      WorkingHoursCalendar.create({ ...base, timezone: 'Mars/Olympus' }),
    ).toThrow('is not a time zone');
    expect(() =>
      WorkingHoursCalendar.create({ ...base, end: '08:00' }),
    ).toThrow('must be after its start');
    expect(() =>
      WorkingHoursCalendar.create({ ...base, holidays: ['2026-02-30'] }),
    ).toThrow('is not a real date');
  });
});
