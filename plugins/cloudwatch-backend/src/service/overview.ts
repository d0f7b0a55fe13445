import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CAPABILITY_METRICS,
  MetricObjectives,
  MetricsOverviewResponse,
  OverviewRow,
  QueryWindow,
  ViewNotice,
} from '@internal/backstage-plugin-cloudwatch-common';
import { CloudWatchAccount } from '../aws/CloudWatchAccounts';
import { CloudWatchReader, MetricResult } from '../aws/CloudWatchReader';
import { CloudWatchAccessError } from '../aws/errors';
import {
  capabilityQueries,
  capabilitySummary,
} from '../query/capabilityMetrics';
import { GET_METRIC_DATA_LIMITS, wholeWindowPeriod } from '../query/window';
import { accountFor, ResolvedEntity } from './EntityTargets';

/** Calls of one Metrics page in flight at once. */
const CALL_CONCURRENCY = 4;

interface Member {
  resolved: ResolvedEntity;
  prefix: string;
}

interface Batch {
  account: CloudWatchAccount;
  members: Member[];
}

/** A spec reference (`team-ai`) as a full entity ref (`group:default/team-ai`). */
function fullRef(value: unknown, defaultKind: string, namespace: string) {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace: namespace }),
    );
  } catch {
    return undefined;
  }
}

const rowOf = (resolved: ResolvedEntity): OverviewRow => ({
  entityRef: resolved.entityRef,
  title: resolved.entity.metadata.title ?? resolved.entity.metadata.name,
  owner: fullRef(
    resolved.entity.spec?.owner,
    'group',
    resolved.entity.metadata.namespace ?? 'default',
  ),
  system: fullRef(
    resolved.entity.spec?.system,
    'system',
    resolved.entity.metadata.namespace ?? 'default',
  ),
  account: resolved.account?.id,
  summary: {},
  status: 'failed',
  notices: [],
});

/**
 * Capabilities grouped by account, then cut into batches of as many
 * capabilities as fit in one call's 500 queries.
 */
function batchesOf(
  members: Array<{ resolved: ResolvedEntity; account: CloudWatchAccount }>,
  queriesPerCapability: number,
): Batch[] {
  const perCall = Math.floor(
    GET_METRIC_DATA_LIMITS.queriesPerCall / queriesPerCapability,
  );
  const byAccount = new Map<CloudWatchAccount, ResolvedEntity[]>();
  for (const { resolved, account } of members) {
    byAccount.set(account, [...(byAccount.get(account) ?? []), resolved]);
  }
  const batches: Batch[] = [];
  for (const [account, list] of byAccount) {
    for (let i = 0; i < list.length; i += perCall) {
      batches.push({
        account,
        members: list
          .slice(i, i + perCall)
          .map((resolved, j) => ({ resolved, prefix: `c${j}_` })),
      });
    }
  }
  return batches;
}

async function inPool<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, worker),
  );
}

/**
 * The Metrics page: every capability's totals over the window, side by
 * side, from as few calls as CloudWatch allows (500 queries each, one
 * period covering the whole window).
 */
export async function loadOverview(options: {
  reader: CloudWatchReader;
  entities: ResolvedEntity[];
  window: QueryWindow;
  objectives: MetricObjectives;
  now: () => Date;
}): Promise<MetricsOverviewResponse> {
  const { reader, window } = options;
  const rows = new Map<string, OverviewRow>();
  const usable: Array<{
    resolved: ResolvedEntity;
    account: CloudWatchAccount;
  }> = [];
  for (const resolved of options.entities) {
    const row = rowOf(resolved);
    rows.set(resolved.entityRef, row);
    try {
      usable.push({ resolved, account: accountFor(resolved, 'namespace') });
    } catch (error) {
      row.notices.push({
        severity: 'error',
        message: (error as Error).message,
      });
    }
  }
  const windowSeconds = wholeWindowPeriod(window);
  // one query per capability metric, each over the whole window
  const batches = batchesOf(usable, CAPABILITY_METRICS.length);
  const notices: ViewNotice[] = [];
  let calls = 0;
  let queries = 0;

  await inPool(batches, CALL_CONCURRENCY, async batch => {
    const batchQueries = batch.members.flatMap(({ resolved, prefix }) =>
      capabilityQueries({
        prefix,
        source: {
          namespace: resolved.target.namespace!,
          dimensions: resolved.target.dimensions,
        },
        periodSeconds: windowSeconds,
        windowSeconds,
        latencyStatistic: batch.account.latencyStatistic,
        summaryOnly: true,
      }),
    );
    queries += batchQueries.length;
    let results: Map<string, MetricResult>;
    try {
      const answer = await reader.getMetricData(batch.account, {
        queries: batchQueries,
        start: new Date(window.start),
        end: new Date(window.end),
      });
      calls += answer.pages;
      results = answer.results;
    } catch (error) {
      if (!(error instanceof CloudWatchAccessError)) throw error;
      calls += 1;
      for (const { resolved } of batch.members) {
        rows
          .get(resolved.entityRef)!
          .notices.push({ severity: 'error', message: error.message });
      }
      return;
    }
    for (const { resolved, prefix } of batch.members) {
      const row = rows.get(resolved.entityRef)!;
      const { summary, status } = capabilitySummary(
        prefix,
        results,
        batch.account.latencyStatistic,
        { summaryOnly: true },
      );
      row.summary = summary;
      row.status = status;
      if (status !== 'complete') {
        row.notices.push({
          severity: 'warning',
          message: 'CloudWatch returned part of the data: figures may be low',
        });
      }
    }
  });
  if (options.entities.length === 0) {
    notices.push({
      severity: 'info',
      message:
        'No entity you can see has a stackportal.io/cloudwatch-namespace annotation.',
    });
  }
  return {
    window: { ...window, periodSeconds: windowSeconds },
    rows: [...rows.values()],
    objectives: options.objectives,
    calls,
    queries,
    notices,
    fetchedAt: options.now().toISOString(),
  };
}
