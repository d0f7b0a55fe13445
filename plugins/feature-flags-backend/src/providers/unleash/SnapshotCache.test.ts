import { ServiceUnavailableError } from '@backstage/errors';
import { SnapshotCache } from './SnapshotCache';
import { UnleashRateLimitedError } from './UnleashClient';

const TTL = 15_000;
const START = Date.parse('2026-12-01T12:00:00Z');

interface Data {
  flags: Record<string, boolean>;
}

/** A source whose reads the test answers one by one, on a clock the test moves. */
function setup() {
  let now = START;
  const pending: Array<{
    resolve: (d: Data) => void;
    reject: (e: unknown) => void;
  }> = [];
  let loads = 0;
  const cache = SnapshotCache.create<Data>({
    name: 'the flags',
    load: () => {
      loads++;
      return new Promise<Data>((resolve, reject) =>
        pending.push({ resolve, reject }),
      );
    },
    ttlMs: TTL,
    staleWaitMs: 150,
    backoff: { baseMs: 1000, maxMs: 8000 },
    retryAtOf: e =>
      e instanceof UnleashRateLimitedError ? e.retryAt : undefined,
    now: () => now,
    sleep: () => Promise.resolve(),
  });
  const flush = () => new Promise(resolve => setImmediate(resolve));
  return {
    cache,
    advance: (ms: number) => {
      now += ms;
    },
    loads: () => loads,
    /** Answers the oldest read in flight. */
    answer: async (flags: Record<string, boolean>) => {
      pending.shift()!.resolve({ flags: { ...flags } });
      await flush();
    },
    fail: async (error: unknown) => {
      pending.shift()!.reject(error);
      await flush();
    },
    flush,
  };
}

/** Starts a read, lets the cache call its source, and gives the read back. */
async function started<T>(read: Promise<T>, flush: () => Promise<unknown>) {
  await flush();
  return read;
}

describe('SnapshotCache', () => {
  it('reads once for many readers and answers from memory within the TTL', async () => {
    const t = setup();
    const a = t.cache.read();
    const b = t.cache.read();
    await t.flush();
    await t.answer({ A: true });
    expect((await a).data.flags).toEqual({ A: true });
    expect((await b).data.flags).toEqual({ A: true });
    t.advance(TTL - 1);
    expect(await t.cache.read()).toMatchObject({
      ageMs: TTL - 1,
      degraded: false,
    });
    expect(t.loads()).toBe(1);
    expect(t.cache.mode).toBe('current');
  });

  it('keeps the last good copy with its true age when a refresh fails, and says why', async () => {
    const t = setup();
    const first = t.cache.read();
    await t.flush();
    await t.answer({ A: true });
    await first;
    t.advance(20_000);
    const read = t.cache.read('fresh');
    await t.flush();
    await t.fail(new ServiceUnavailableError('Unleash cannot be reached'));
    const reading = await read;
    expect(reading).toMatchObject({
      data: { flags: { A: true } },
      degraded: true,
      reason: 'Unleash cannot be reached',
      // 20 seconds, not 56 years
      ageMs: 20_000,
    });
    expect(t.cache.mode).toBe('degraded');
    t.advance(5_000);
    expect((await t.cache.read('stale-only')).ageMs).toBe(25_000);
  });

  it('backs off after failures instead of hammering the source, and recovers', async () => {
    const t = setup();
    const first = t.cache.read();
    await t.flush();
    await t.answer({ A: true });
    await first;
    t.advance(TTL);
    let read = t.cache.read('fresh');
    await t.flush();
    await t.fail(new Error('down'));
    await read;
    expect(t.loads()).toBe(2);
    // within the back-off (1 s after the first failure) nothing is sent
    for (let i = 0; i < 10; i++) {
      t.advance(90);
      expect(await t.cache.read('fresh')).toMatchObject({ degraded: true });
    }
    expect(t.loads()).toBe(2);
    t.advance(100);
    read = t.cache.read('fresh');
    await t.flush();
    await t.fail(new Error('still down'));
    await read;
    expect(t.loads()).toBe(3);
    // the second failure holds off twice as long
    t.advance(1_999);
    await t.cache.read('normal');
    expect(t.loads()).toBe(3);
    t.advance(1);
    read = t.cache.read('fresh');
    await t.flush();
    await t.answer({ A: false });
    expect(await read).toMatchObject({
      data: { flags: { A: false } },
      degraded: false,
      reason: undefined,
      ageMs: 0,
    });
    expect(t.cache.mode).toBe('current');
  });

  it("waits as long as a 429's Retry-After says, whatever reads ask", async () => {
    const t = setup();
    const first = t.cache.read();
    await t.flush();
    await t.answer({ A: true });
    await first;
    t.advance(TTL);
    const read = t.cache.read('fresh');
    await t.flush();
    await t.fail(
      new UnleashRateLimitedError('Unleash answered 429', START + TTL + 45_000),
    );
    expect(await read).toMatchObject({ degraded: true });
    t.advance(44_999);
    await t.cache.read('fresh');
    await t.cache.read('stale');
    await t.cache.read();
    expect(t.loads()).toBe(2);
    t.advance(1);
    const after = t.cache.read('fresh');
    await t.flush();
    expect(t.loads()).toBe(3);
    await t.answer({ A: true });
    expect(await after).toMatchObject({ degraded: false });
  });

  it('answers 503 when it never had a copy, tries again on the next read, but not before a Retry-After', async () => {
    const t = setup();
    const read = t.cache.read().catch((e: Error) => e);
    await t.flush();
    await t.fail(new Error('Unleash at http://x cannot be reached'));
    expect(await read).toMatchObject({
      message: expect.stringContaining('cannot be reached'),
    });
    expect(t.cache.mode).toBe('empty');
    // nothing to answer from: the next read tries
    const again = t.cache.read().catch((e: Error) => e);
    await t.flush();
    expect(t.loads()).toBe(2);
    await t.fail(new UnleashRateLimitedError('429', START + 30_000));
    expect(await again).toBeInstanceOf(ServiceUnavailableError);
    await expect(t.cache.read()).rejects.toThrow(
      'the portal has no earlier copy of the flags',
    );
    t.advance(29_999);
    await expect(t.cache.read()).rejects.toThrow(ServiceUnavailableError);
    expect(t.loads()).toBe(2);
    t.advance(1);
    const last = t.cache.read();
    await t.flush();
    await t.answer({ A: true });
    expect(await last).toMatchObject({ data: { flags: { A: true } } });
  });

  it('shows its own write at once, and again on a read that was in flight when it landed', async () => {
    const t = setup();
    const first = t.cache.read();
    await t.flush();
    await t.answer({ A: false });
    await first;
    t.advance(TTL);
    // a refresh starts; the source is read before the write lands
    const refreshing = t.cache.read('stale');
    await t.flush();
    t.cache.patch(d => {
      d.flags.A = true;
      return true;
    });
    expect((await refreshing).data.flags.A).toBe(true);
    await t.answer({ A: false });
    expect((await t.cache.read('stale-only')).data.flags.A).toBe(true);
    expect(t.cache.mode).toBe('current');
    // a later read is not replayed onto: the source has the write by then
    t.advance(TTL);
    const later = t.cache.read('fresh');
    await t.flush();
    await t.answer({ A: false });
    expect((await later).data.flags.A).toBe(false);
  });

  it('reads again before answering once it misses a change it cannot replay', async () => {
    const t = setup();
    const first = t.cache.read();
    await t.flush();
    await t.answer({ A: true });
    await first;
    // a refresh in flight started before the flag B was created
    t.advance(TTL);
    const background = t.cache.read('stale');
    await t.flush();
    t.cache.invalidate();
    expect(t.cache.mode).toBe('invalidated');
    const read = started(t.cache.read('stale'), t.flush);
    await t.answer({ A: true });
    await t.flush();
    // that refresh may miss B: the reader waits for one more
    expect(t.loads()).toBe(2 + 1);
    await t.answer({ A: true, B: false });
    expect((await read).data.flags).toEqual({ A: true, B: false });
    await background;
    expect(t.cache.mode).toBe('current');
  });

  it('reads a degraded copy again at once when another replica has written, back-off or not', async () => {
    const t = setup();
    const first = t.cache.read();
    await t.flush();
    await t.answer({ A: true });
    await first;
    t.advance(TTL);
    const failed = t.cache.read('fresh');
    await t.flush();
    await t.fail(new Error('down'));
    await failed;
    expect(t.cache.mode).toBe('degraded');
    // within the back-off, another replica's write reached the source
    t.advance(100);
    t.cache.invalidate();
    const read = started(t.cache.read('normal'), t.flush);
    expect(t.loads()).toBe(3);
    await t.answer({ A: false });
    expect(await read).toMatchObject({
      data: { flags: { A: false } },
      degraded: false,
    });
    expect(t.cache.mode).toBe('current');
  });

  it('a patch that does not find its subject invalidates the copy', async () => {
    const t = setup();
    const first = t.cache.read();
    await t.flush();
    await t.answer({ A: true });
    await first;
    t.cache.patch(d => 'C' in d.flags);
    expect(t.cache.mode).toBe('invalidated');
    const read = t.cache.read('stale-only');
    await t.flush();
    await t.answer({ A: true, C: true });
    expect((await read).data.flags.C).toBe(true);
  });
});
