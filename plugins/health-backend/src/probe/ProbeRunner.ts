import { ProbeOutcome, Prober } from './HttpProber';

export const DEFAULT_CONCURRENCY = 32;

/**
 * Probes many URLs: at most `concurrency` at a time, each started after a
 * random delay of up to `jitterMs`, so that endpoints sharing a host are not
 * all hit at the same instant and a run's load is spread.
 */
export class ProbeRunner {
  private constructor(
    private readonly prober: Prober,
    private readonly concurrency: number,
    private readonly jitterMs: number,
    private readonly random: () => number,
  ) {}

  static create(options: {
    prober: Prober;
    concurrency?: number;
    jitterMs?: number;
    random?: () => number;
  }) {
    return new ProbeRunner(
      options.prober,
      Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY),
      Math.max(0, options.jitterMs ?? 0),
      options.random ?? Math.random,
    );
  }

  async run<T extends { url: string }>(
    targets: T[],
  ): Promise<Array<{ target: T; outcome: ProbeOutcome }>> {
    const delays = targets.map(() => Math.floor(this.random() * this.jitterMs));
    const order = targets
      .map((_, i) => i)
      .sort((a, b) => delays[a] - delays[b]);
    const results = new Array<{ target: T; outcome: ProbeOutcome }>(
      targets.length,
    );
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < order.length) {
        const i = order[next++];
        const wait = delays[i] - (Date.now() - started);
        if (wait > 0) await new Promise(r => setTimeout(r, wait));
        results[i] = {
          target: targets[i],
          outcome: await this.prober.probe(targets[i].url),
        };
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(this.concurrency, targets.length) },
        worker,
      ),
    );
    return results;
  }
}
