import {
  CAPABILITY_METRICS,
  EntityMetricsResponse,
  MetricObjectives,
  QueryWindow,
  ViewNotice,
} from '@internal/backstage-plugin-cloudwatch-common';
import { CloudWatchAccount, summarizeAccount } from '../aws/CloudWatchAccounts';
import { CloudWatchReader } from '../aws/CloudWatchReader';
import {
  capabilityQueries,
  capabilitySeries,
  capabilitySummary,
  MetricSource,
} from '../query/capabilityMetrics';
import { wholeWindowPeriod } from '../query/window';
import { metricsConsoleUrl } from './consoleLinks';

const PREFIX = 'm_';

/**
 * When every series came back empty: does the namespace exist, do the
 * dimensions match anything, or was there just no traffic? Asked of
 * ListMetrics only then, so a healthy view costs one call.
 */
async function diagnoseEmpty(
  reader: CloudWatchReader,
  account: CloudWatchAccount,
  source: MetricSource,
): Promise<ViewNotice> {
  const withDimensions = await reader.listMetricNames(
    account,
    source.namespace,
    source.dimensions,
  );
  const dims = source.dimensions.map(d => `${d.name}=${d.value}`).join(', ');
  if (withDimensions.length > 0) {
    const missing = CAPABILITY_METRICS.map(m => m.metricName).filter(
      name => !withDimensions.includes(name),
    );
    return {
      severity: 'info',
      message: `No data points in this window. The metrics exist (${withDimensions.join(
        ', ',
      )})${
        missing.length ? `, but ${missing.join(', ')} never was published` : ''
      }: the capability has had no traffic, or stopped publishing.`,
    };
  }
  const inNamespace = await reader.listMetricNames(
    account,
    source.namespace,
    [],
  );
  if (inNamespace.length === 0) {
    return {
      severity: 'error',
      message: `CloudWatch knows no namespace "${source.namespace}" in account ${account.id} (${account.region}) in the last two weeks. Check stackportal.io/cloudwatch-namespace, and stackportal.io/cloudwatch-account if the metrics are in another account.`,
    };
  }
  return {
    severity: 'error',
    message: `No metric of namespace "${source.namespace}" has the dimensions ${
      dims || '(none)'
    } (it has ${inNamespace.length} other metric names, such as ${inNamespace
      .slice(0, 3)
      .join(', ')}). Check stackportal.io/cloudwatch-dimensions.`,
  };
}

/** The Metrics tab's view of one capability: one GetMetricData call. */
export async function loadEntityMetrics(options: {
  reader: CloudWatchReader;
  entityRef: string;
  account: CloudWatchAccount;
  source: MetricSource;
  window: QueryWindow;
  objectives: MetricObjectives;
  now: () => Date;
}): Promise<EntityMetricsResponse> {
  const { reader, account, source, window } = options;
  const answer = await reader.getMetricData(account, {
    queries: capabilityQueries({
      prefix: PREFIX,
      source,
      periodSeconds: window.periodSeconds,
      windowSeconds: wholeWindowPeriod(window),
      latencyStatistic: account.latencyStatistic,
    }),
    start: new Date(window.start),
    end: new Date(window.end),
  });
  const series = capabilitySeries(
    PREFIX,
    answer.results,
    account.latencyStatistic,
  );
  const { summary } = capabilitySummary(
    PREFIX,
    answer.results,
    account.latencyStatistic,
  );
  const notices: ViewNotice[] = answer.messages.map(message => ({
    severity: 'warning',
    message: `CloudWatch: ${message}`,
  }));
  const partial = series.some(s => s.status !== 'complete');
  if (partial) {
    notices.push({
      severity: 'warning',
      message:
        'Some series are partial: CloudWatch did not return all of their data. What is shown is what it returned; the marked charts may miss points.',
    });
  }
  if (series.every(s => s.points.length === 0) && !partial) {
    notices.push(await diagnoseEmpty(reader, account, source));
  }
  if (account.latencyStatistic !== 'p95') {
    notices.push({
      severity: 'info',
      message: `Latency is the ${account.latencyStatistic} of the latency metric: account ${account.id} is configured with latencyStatistic ${account.latencyStatistic} (a local CloudWatch computes no percentiles).`,
    });
  }
  return {
    entityRef: options.entityRef,
    account: summarizeAccount(account),
    namespace: source.namespace,
    dimensions: source.dimensions,
    window,
    series,
    summary,
    objectives: options.objectives,
    partial,
    notices,
    problems: [],
    consoleUrl: metricsConsoleUrl(account, source.namespace, source.dimensions),
    fetchedAt: options.now().toISOString(),
  };
}
