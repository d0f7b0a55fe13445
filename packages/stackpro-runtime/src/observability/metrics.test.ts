import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchMetricsPublisher } from './CloudWatchMetricsPublisher';
import { MAX_VALUES_PER_DATUM, MetricsRecorder } from './MetricsRecorder';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const quiet = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

describe('MetricsRecorder', () => {
  it("turns requests into the seed's five metrics per capability, latency as values and counts", () => {
    let breakerOpen = false;
    const recorder = MetricsRecorder.create({
      now: () => Date.parse('2026-12-01T10:00:00Z'),
    });
    recorder.register('ai', () => breakerOpen);
    recorder.record({
      capability: 'ai',
      status: 200,
      latencyMs: 12.4,
      degraded: false,
    });
    recorder.record({
      capability: 'ai',
      status: 200,
      latencyMs: 12.2,
      degraded: true,
    });
    recorder.record({
      capability: 'ai',
      status: 404,
      latencyMs: 3,
      degraded: false,
    });
    recorder.record({
      capability: 'ai',
      status: 503,
      latencyMs: 250,
      degraded: true,
    });
    breakerOpen = true;
    const datums = recorder.drain();
    const byName = Object.fromEntries(datums.map(d => [d.MetricName, d]));
    expect(Object.keys(byName).sort()).toEqual([
      'breaker.open',
      'degraded',
      'error',
      'latency.p95',
      'success',
    ]);
    expect(byName.success.StatisticValues).toEqual({
      SampleCount: 4,
      Sum: 2,
      Minimum: 0,
      Maximum: 1,
    });
    // a 404 is the caller's mistake: neither success nor error
    expect(byName.error.StatisticValues).toEqual({
      SampleCount: 4,
      Sum: 1,
      Minimum: 0,
      Maximum: 1,
    });
    expect(byName.degraded.StatisticValues).toEqual({
      SampleCount: 4,
      Sum: 2,
      Minimum: 0,
      Maximum: 1,
    });
    expect(byName['latency.p95']).toMatchObject({
      Unit: 'Milliseconds',
      Values: [3, 12, 250],
      Counts: [1, 2, 1],
    });
    expect(byName['breaker.open']).toMatchObject({ Value: 1 });
    expect(
      datums.every(
        d =>
          d.Dimensions![0].Name === 'capability' &&
          d.Dimensions![0].Value === 'ai',
      ),
    ).toBe(true);

    // a quiet period still reports the breaker, and nothing else
    breakerOpen = false;
    expect(recorder.drain().map(d => [d.MetricName, d.Value])).toEqual([
      ['breaker.open', 0],
    ]);
  });

  it('splits more distinct latencies than CloudWatch takes in one datum', () => {
    const recorder = MetricsRecorder.create();
    for (let ms = 0; ms < MAX_VALUES_PER_DATUM + 10; ms++) {
      recorder.record({
        capability: 'billing',
        status: 200,
        latencyMs: ms,
        degraded: false,
      });
    }
    const latency = recorder
      .drain()
      .filter(d => d.MetricName === 'latency.p95');
    expect(latency.map(d => d.Values!.length)).toEqual([
      MAX_VALUES_PER_DATUM,
      10,
    ]);
  });
});

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

const motoFound =
  spawnSync('sh', ['-c', 'command -v moto_server']).status === 0;
if (!motoFound) {
  // eslint-disable-next-line no-console
  console.warn(
    '\n#### moto_server is NOT on the PATH: the PutMetricData tests against a real CloudWatch API are SKIPPED ####\n',
  );
}

(motoFound ? describe : describe.skip)(
  'CloudWatchMetricsPublisher against moto_server',
  () => {
    jest.setTimeout(60_000);
    let moto: ChildProcess;
    let endpoint: string;

    beforeAll(async () => {
      const port = await freePort();
      endpoint = `http://127.0.0.1:${port}`;
      moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
        stdio: 'ignore',
      });
      for (let i = 0; i < 120; i++) {
        try {
          await fetch(endpoint);
          return;
        } catch {
          await new Promise(resolve => setTimeout(resolve, 250));
        }
      }
      throw new Error('moto_server did not start');
    });

    afterAll(() => {
      moto?.kill('SIGTERM');
    });

    it('sends a period in batches of at most 1,000 datums, readable with GetMetricData', async () => {
      const recorder = MetricsRecorder.create();
      // 1,200 capabilities: 1,200 breaker.open datums plus the four metrics of one
      for (let i = 0; i < 1200; i++) recorder.register(`cap${i}`);
      recorder.record({
        capability: 'cap7',
        status: 200,
        latencyMs: 40,
        degraded: false,
      });
      recorder.record({
        capability: 'cap7',
        status: 500,
        latencyMs: 90,
        degraded: true,
      });
      const publisher = CloudWatchMetricsPublisher.create({
        recorder,
        target: { endpoint, credentials },
        logger: quiet,
      });
      const result = await publisher.flush();
      expect(result).toEqual({ datums: 1204, calls: 2, pending: 0 });

      const client = new CloudWatchClient({
        region: 'us-west-2',
        endpoint,
        credentials,
      });
      const stat = (metric: string, statistic: string) => ({
        Id: `${metric.replace('.', '_')}_${statistic}`.toLowerCase(),
        MetricStat: {
          Metric: {
            Namespace: 'stackpro.capability',
            MetricName: metric,
            Dimensions: [{ Name: 'capability', Value: 'cap7' }],
          },
          Period: 60,
          Stat: statistic,
        },
      });
      const data = await client.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 120_000),
          EndTime: new Date(Date.now() + 60_000),
          MetricDataQueries: [
            stat('latency.p95', 'Average'),
            stat('latency.p95', 'Maximum'),
            stat('error', 'Sum'),
            stat('degraded', 'Average'),
          ],
        }),
      );
      client.destroy();
      const values = Object.fromEntries(
        data.MetricDataResults!.map(r => [r.Id, r.Values![0]]),
      );
      expect(values).toEqual({
        latency_p95_average: 65,
        latency_p95_maximum: 90,
        error_sum: 1,
        degraded_average: 0.5,
      });
      await publisher.stop();
    });

    it('keeps the datums for the next flush when CloudWatch does not answer, and says so once', async () => {
      const recorder = MetricsRecorder.create();
      const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
      const down = CloudWatchMetricsPublisher.create({
        recorder,
        target: {
          endpoint: `http://127.0.0.1:${await freePort()}`,
          credentials,
        },
        logger,
        timeoutMs: 500,
      });
      recorder.record({
        capability: 'messaging',
        status: 200,
        latencyMs: 5,
        degraded: false,
      });
      expect(await down.flush()).toMatchObject({ calls: 0, pending: 5 });
      expect(await down.flush()).toMatchObject({ calls: 0, pending: 6 });
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toMatch(
        /refused or did not answer PutMetricData/,
      );
      await down.stop();
    });
  },
);
