import { decodeUptime, encodeUptime } from './uptime';
import type { UptimeDay } from './types';

describe('the encoded uptime strip', () => {
  const days: UptimeDay[] = [
    { day: '2026-11-28', degraded: false },
    { day: '2026-11-29', availability: 1, degraded: false },
    { day: '2026-11-30', availability: 1, degraded: true },
    { day: '2026-12-01', availability: 2879 / 2880, degraded: false },
    { day: '2026-12-02', availability: 0.5, degraded: true },
    { day: '2026-12-03', availability: 0, degraded: false },
  ];

  it('gives back the same days, with what the strip draws and its tooltip shows', () => {
    const encoded = encodeUptime(days);
    expect(encoded).toEqual({
      from: '2026-11-28',
      days: '-udpxp',
      partial: [0.999652, 0.5, 0],
    });
    const decoded = decodeUptime(encoded);
    expect(decoded.map(d => d.day)).toEqual(days.map(d => d.day));
    expect(decoded.map(d => d.degraded)).toEqual(days.map(d => d.degraded));
    expect(decoded.map(d => d.availability?.toFixed(5))).toEqual(
      days.map(d => d.availability?.toFixed(5)),
    );
  });

  it('never draws a day that lost a probe as a full day', () => {
    const [day] = decodeUptime(
      encodeUptime([
        { day: '2026-12-01', availability: 1 - 1e-9, degraded: false },
      ]),
    );
    expect(day.availability).toBeLessThan(1);
  });

  it('crosses month and year ends', () => {
    const decoded = decodeUptime({
      from: '2026-12-31',
      days: 'uu',
      partial: [],
    });
    expect(decoded.map(d => d.day)).toEqual(['2026-12-31', '2027-01-01']);
  });

  it('is a few hundred bytes for ninety days', () => {
    const ninety = Array.from({ length: 90 }, (_, i) => ({
      day: new Date(Date.UTC(2026, 8, 1) + i * 86_400_000)
        .toISOString()
        .slice(0, 10),
      availability: i % 10 === 0 ? 0.9993 : 1,
      degraded: i % 7 === 0,
    }));
    expect(JSON.stringify(encodeUptime(ninety)).length).toBeLessThan(250);
    expect(decodeUptime(encodeUptime(ninety))).toHaveLength(90);
  });
});
