import { planWindow } from './window';

const now = new Date('2026-11-22T10:00:30Z');
const DAY_MS = 86_400_000;
const plan = (range: any, extra: object = {}) =>
  planWindow({ range, now, seriesCount: 6, ...extra });

describe('planWindow', () => {
  it.each([
    ['1h', 60, 60],
    ['24h', 60, 1440],
    ['3d', 300, 864],
    ['7d', 600, 1008],
    ['30d', 1800, 1440],
    ['90d', 7200, 1080],
  ])('draws %s at %i-second points (%i points)', (range, period, points) => {
    const window = plan(range);
    expect(window.periodSeconds).toBe(period);
    expect(
      (Date.parse(window.end) - Date.parse(window.start)) / 1000 / period,
    ).toBe(points);
  });

  it('aligns the window to its period, so that the same view asks the same question', () => {
    const a = plan('24h');
    const b = planWindow({
      range: '24h',
      now: new Date('2026-11-22T10:00:59Z'),
      seriesCount: 6,
    });
    expect(a).toEqual(b);
    expect(a.end).toBe('2026-11-22T10:01:00.000Z');
    expect(a.start).toBe('2026-11-21T10:01:00.000Z');
  });

  it('never asks finer than CloudWatch keeps for the oldest point', () => {
    // 1-hour range 20 days ago: 1-minute data is gone, 5-minute is kept
    const window = plan('1h', { end: new Date(now.getTime() - 20 * DAY_MS) });
    expect(window.periodSeconds).toBe(300);
    expect(window.periodReason).toMatch(
      /older than 15 days as 5-minute points/,
    );
    const old = plan('1h', { end: new Date(now.getTime() - 100 * DAY_MS) });
    expect(old.periodSeconds).toBe(3600);
  });

  it("keeps all series within one call's 100,800 data points", () => {
    const window = plan('24h', { seriesCount: 500 });
    const points = (86_400 / window.periodSeconds) * 500;
    expect(points).toBeLessThanOrEqual(100_800);
    expect(window.periodReason).toMatch(/500 series fit in one call/);
  });

  it('refuses a window in the future or beyond 455 days', () => {
    expect(() => plan('1h', { end: new Date(now.getTime() + DAY_MS) })).toThrow(
      /in the future/,
    );
    expect(() =>
      plan('90d', { end: new Date(now.getTime() - 400 * DAY_MS) }),
    ).toThrow(/455 days at most/);
  });
});
