// CloudWatch views through the portal against moto, 100 capabilities x 24 h of
// 1-minute data.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/cloudwatch.ts \
//     [--capabilities=100] [--hours=24] [--warm=300]
//
// 1. Starts moto_server on port 7029 through bench/moto-cloudwatch.py (stock
//    moto 5.2.1 with an indexed GetMetricData, see that file for why), which
//    first publishes --hours of 1-minute data for --capabilities capabilities.
// 2. Starts the CloudWatch backend plugin in process on Backstage's test
//    backend (HTTP, memory cache service, catalog with the capabilities), its
//    account on that moto, cache TTL 60 s.
// 3. Measures, in the same run:
//    - the Metrics tab's API (GET .../metrics?range=24h) cold, once per
//      capability, interleaved with the reference: the same GetMetricData (the
//      same 6 queries and window, built by the plugin's own functions) made
//      directly with the SDK; ratio of the p95s;
//    - the same API warm (from the cache), --warm requests;
//    - the Metrics page (GET /overview?range=24h) cold and warm, with the
//      GetMetricData requests it made (counted at the SDK client);
//    - 20 clients opening the same (uncached) tab at once: calls made, calls
//      saved.
// Prints the figures and one line RESULT {...}. Stops moto whatever happens.
import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { spawn } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cloudwatchPlugin } from '../plugins/cloudwatch-backend/src/plugin';
import { capabilityQueries } from '../plugins/cloudwatch-backend/src/query/capabilityMetrics';
import {
  planWindow,
  wholeWindowPeriod,
} from '../plugins/cloudwatch-backend/src/query/window';
import {
  assertPortFree,
  fmt,
  load,
  log,
  machine,
  percentile,
  ROOT,
  sleep,
  treeState,
} from './lib.mjs';

const arg = (name: string, fallback: number) => {
  const hit = process.argv.find(a => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const CAPABILITIES = arg('capabilities', 100);
const HOURS = arg('hours', 24);
const WARM = arg('warm', 300);
const MOTO_PORT = 7029;
const MOTO_URL = `http://127.0.0.1:${MOTO_PORT}`;
const CLIENTS = 20;
const WARM_SET = 10;
const TARGETS = { warmP95Ms: 300, pageMs: 1000 };

const names = Array.from({ length: CAPABILITIES }, (_, i) => `cap-${i}`);
const entities = names.map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    title: name,
    annotations: {
      'stackportal.io/cloudwatch-namespace': 'stackpro.capability',
      'stackportal.io/cloudwatch-dimensions': `capability=${name}`,
    },
  },
  spec: { type: 'capability', owner: 'team-ai', lifecycle: 'experimental' },
}));

/** GetMetricData requests made by every SDK client of this process. */
let getMetricDataCalls = 0;
const originalSend = CloudWatchClient.prototype.send;
CloudWatchClient.prototype.send = function counted(
  this: CloudWatchClient,
  ...args: any[]
) {
  if (args[0] instanceof GetMetricDataCommand) getMetricDataCalls++;
  return (originalSend as any).apply(this, args);
} as any;

async function startMoto() {
  await assertPortFree(MOTO_PORT);
  const child = spawn(
    'python3',
    [
      join(ROOT, 'bench/moto-cloudwatch.py'),
      `--port=${MOTO_PORT}`,
      `--capabilities=${CAPABILITIES}`,
      `--hours=${HOURS}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  child.stdout!.on('data', d => log(`moto: ${String(d).trim()}`));
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      if ((await fetch(`${MOTO_URL}/moto-api/`)).ok) break;
    } catch {
      // seeding, not listening yet
    }
    if (child.exitCode !== null) throw new Error('moto_server exited');
    if (Date.now() > deadline) throw new Error('moto_server did not start');
    await sleep(500);
  }
  return () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
}

async function timed(url: string, auth: string) {
  const start = performance.now();
  const response = await fetch(url, { headers: { Authorization: auth } });
  const body = await response.json();
  const ms = performance.now() - start;
  if (!response.ok)
    throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

async function main() {
  log(`machine: ${machine()}; load ${load()}; code ${treeState()}`);
  const stopMoto = await startMoto();
  try {
    const { server } = await startTestBackend({
      features: [
        cloudwatchPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            cloudwatch: {
              accounts: [
                {
                  id: 'bench',
                  region: 'us-west-2',
                  endpoint: MOTO_URL,
                  accessKeyId: 'bench',
                  secretAccessKey: 'bench',
                  latencyStatistic: 'Average',
                },
              ],
              cache: { ttlSeconds: 60 },
              timeoutMs: 60_000,
            },
          },
        }),
      ],
    });
    const base = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/cloudwatch`;
    const auth = mockCredentials.user.header('user:default/eli.martin');
    const tab = (name: string, range = '24h') =>
      `${base}/entities/component/default/${name}/metrics?range=${range}`;

    // the reference: the same GetMetricData, straight from the SDK
    const sdk = new CloudWatchClient({
      region: 'us-west-2',
      endpoint: MOTO_URL,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      maxAttempts: 1,
    });
    const direct = async (name: string) => {
      const window = planWindow({
        range: '24h',
        now: new Date(),
        seriesCount: 6,
      });
      const queries = capabilityQueries({
        prefix: 'm_',
        source: {
          namespace: 'stackpro.capability',
          dimensions: [{ name: 'capability', value: name }],
        },
        periodSeconds: window.periodSeconds,
        windowSeconds: wholeWindowPeriod(window),
        latencyStatistic: 'Average',
      });
      const start = performance.now();
      await sdk.send(
        new GetMetricDataCommand({
          StartTime: new Date(window.start),
          EndTime: new Date(window.end),
          ScanBy: 'TimestampAscending',
          MetricDataQueries: queries.map(q => ({
            Id: q.id,
            MetricStat: {
              Metric: {
                Namespace: 'stackpro.capability',
                MetricName: (q as any).metricName,
                Dimensions: [{ Name: 'capability', Value: name }],
              },
              Period: q.periodSeconds,
              Stat: (q as any).stat,
            },
          })),
        }),
      );
      return performance.now() - start;
    };

    // warm-up of connections and code paths (not counted)
    await timed(tab(names[0], '1h'), auth);
    await direct(names[0]);

    log(
      'cold: each capability once through the portal, interleaved with the SDK',
    );
    const cold: number[] = [];
    const reference: number[] = [];
    let points = 0;
    for (const [i, name] of names.entries()) {
      if (i % 2 === 0) {
        cold.push((await timed(tab(name), auth)).ms);
        reference.push(await direct(name));
      } else {
        reference.push(await direct(name));
        const { ms, body } = await timed(tab(name), auth);
        cold.push(ms);
        points = body.series[0].points.length;
      }
    }

    log(`warm: ${WARM} requests over ${WARM_SET} cached tabs`);
    // a tab is warm while its answer is cached: primed first, and measured
    // again only while the answer is the primed one (a minute boundary moves
    // the window and makes a new question; those requests are not counted)
    const warm: number[] = [];
    const primed = new Map<string, string>();
    let discarded = 0;
    for (let i = 0; warm.length < WARM; i++) {
      const name = names[i % WARM_SET];
      if (!primed.has(name)) {
        primed.set(name, (await timed(tab(name), auth)).body.fetchedAt);
        continue;
      }
      const { ms, body } = await timed(tab(name), auth);
      if (body.fetchedAt === primed.get(name)) {
        warm.push(ms);
      } else {
        discarded++;
        primed.set(name, body.fetchedAt);
      }
    }

    log('Metrics page: cold, then warm');
    let before = getMetricDataCalls;
    const pageCold = await timed(`${base}/overview?range=24h`, auth);
    const pageCalls = getMetricDataCalls - before;
    const pageSdkStart = performance.now();
    await sdk.send(
      new GetMetricDataCommand({
        StartTime: new Date(pageCold.body.window.start),
        EndTime: new Date(pageCold.body.window.end),
        MetricDataQueries: names.flatMap((name, i) =>
          capabilityQueries({
            prefix: `c${i}_`,
            source: {
              namespace: 'stackpro.capability',
              dimensions: [{ name: 'capability', value: name }],
            },
            periodSeconds: pageCold.body.window.periodSeconds,
            windowSeconds: pageCold.body.window.periodSeconds,
            latencyStatistic: 'Average',
            summaryOnly: true,
          }).map(q => ({
            Id: q.id,
            MetricStat: {
              Metric: {
                Namespace: 'stackpro.capability',
                MetricName: (q as any).metricName,
                Dimensions: [{ Name: 'capability', Value: name }],
              },
              Period: q.periodSeconds,
              Stat: (q as any).stat,
            },
          })),
        ),
      }),
    );
    const pageSdkMs = performance.now() - pageSdkStart;
    const pageWarm: number[] = [];
    for (let i = 0; i < 20; i++) {
      pageWarm.push((await timed(`${base}/overview?range=24h`, auth)).ms);
    }

    log(`${CLIENTS} clients open the same uncached tab at once`);
    before = getMetricDataCalls;
    await Promise.all(
      Array.from({ length: CLIENTS }, () => timed(tab(names[1], '12h'), auth)),
    );
    const together = getMetricDataCalls - before;
    before = getMetricDataCalls;
    for (let i = 0; i < CLIENTS; i++) await timed(tab(names[2], '12h'), auth);
    const oneAfterAnother = getMetricDataCalls - before;
    sdk.destroy();

    const p95 = (v: number[]) => percentile(v, 95);
    const result = {
      capabilities: CAPABILITIES,
      hours: HOURS,
      pointsPerSeries: points,
      tabColdP95Ms: p95(cold),
      tabColdMedianMs: percentile(cold, 50),
      sdkDirectP95Ms: p95(reference),
      sdkDirectMedianMs: percentile(reference, 50),
      coldRatio: p95(cold) / p95(reference),
      tabWarmP95Ms: p95(warm),
      warmDiscarded: discarded,
      pageColdMs: pageCold.ms,
      pageCalls,
      pageSdkMs,
      pageQueries: pageCold.body.queries,
      pageRows: pageCold.body.rows.length,
      pageWarmP95Ms: p95(pageWarm),
      clients: CLIENTS,
      callsTogether: together,
      callsOneAfterAnother: oneAfterAnother,
      callsSaved: 2 * CLIENTS - together - oneAfterAnother,
      load: load(),
    };
    console.log(`
Metrics tab API, ${CAPABILITIES} capabilities x ${HOURS} h of 1-minute data (${points} points a series)
  cold  p95 ${fmt(result.tabColdP95Ms)} (median ${fmt(result.tabColdMedianMs)})
  SDK   p95 ${fmt(result.sdkDirectP95Ms)} (median ${fmt(
      result.sdkDirectMedianMs,
    )})  ratio ${result.coldRatio.toFixed(2)}x
  warm  p95 ${fmt(result.tabWarmP95Ms)} (target <= ${TARGETS.warmP95Ms} ms: ${
      result.tabWarmP95Ms <= TARGETS.warmP95Ms ? 'met' : 'MISSED'
    })
Metrics page (${result.pageRows} rows)
  cold ${fmt(
    result.pageColdMs,
  )} with ${pageCalls} GetMetricData request(s) for ${
      result.pageQueries
    } queries (target <= ${TARGETS.pageMs} ms, <= 1 call per 500 queries: ${
      result.pageColdMs <= TARGETS.pageMs ? 'met' : 'MISSED'
    }, ${pageCalls <= Math.ceil(result.pageQueries / 500) ? 'met' : 'MISSED'})
  the same 500-query GetMetricData straight from the SDK: ${fmt(
    pageSdkMs,
  )} (ratio ${(result.pageColdMs / pageSdkMs).toFixed(2)}x)
  warm p95 ${fmt(result.pageWarmP95Ms)}
${CLIENTS} clients, same tab: ${together} call at once, ${oneAfterAnother} one after another within the TTL; ${
      result.callsSaved
    } of ${2 * CLIENTS} calls saved
RESULT ${JSON.stringify(result)}`);
  } finally {
    stopMoto();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
