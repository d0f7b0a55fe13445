import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import type {
  EntityMetricsResponse,
  EntityTargetResponse,
  MetricsOverviewResponse,
  OverviewRow,
} from '@internal/backstage-plugin-cloudwatch-common';
import { CloudWatchApi, cloudwatchApiRef } from '../api';
import { EntityMetricsContent } from './EntityMetricsContent';
import { MetricsPage } from './MetricsPage';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'stackpro-ai', namespace: 'default' },
};

const target = (
  extra: Partial<EntityTargetResponse>,
): EntityTargetResponse => ({
  entityRef: 'component:default/stackpro-ai',
  configured: true,
  account: { id: 'sandbox', region: 'us-west-2', local: true },
  namespace: 'stackpro.capability',
  dimensions: [{ name: 'capability', value: 'ai' }],
  problems: [],
  ...extra,
});

const objectives = {
  availabilityPercent: 99.9,
  latencyP95Ms: 200,
  degradedPercent: 1,
  source: 'the SLO defaults of seed 002',
};

function api(overrides: Partial<CloudWatchApi>): CloudWatchApi {
  const never = () => new Promise<never>(() => {});
  return {
    getStatus: never,
    getTarget: never,
    getMetrics: never,
    getAlarms: never,
    getDashboard: never,
    getOverview: never,
    ...overrides,
  };
}

const renderTab = (fake: CloudWatchApi) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityMetricsContent />
    </EntityProvider>,
    { apis: [[cloudwatchApiRef, fake]] },
  );

describe('the Metrics tab', () => {
  it('says that CloudWatch is not configured and how to configure it', async () => {
    await renderTab(
      api({
        getTarget: async () =>
          target({
            configured: false,
            howToConfigure: 'cloudwatch:\n  accounts: ...',
          }),
      }),
    );
    expect(
      await screen.findByText('CloudWatch is not configured in this portal'),
    ).toBeInTheDocument();
    expect(screen.getByText(/accounts: \.\.\./)).toBeInTheDocument();
  });

  it('shows what is wrong with the annotations and asks nothing through them', async () => {
    const getMetrics = jest.fn();
    await renderTab(
      api({
        getMetrics,
        getTarget: async () =>
          target({
            problems: [
              {
                annotation: 'stackportal.io/cloudwatch-dimensions',
                value: 'capability',
                message: 'is not a Name=Value dimension',
              },
            ],
          }),
      }),
    );
    expect(await screen.findByTestId('annotation-problems')).toHaveTextContent(
      'stackportal.io/cloudwatch-dimensions “capability” is not a Name=Value dimension',
    );
    expect(getMetrics).not.toHaveBeenCalled();
  });

  it("shows the backend's message when CloudWatch cannot be read", async () => {
    const { ResponseError } = await import('@backstage/errors');
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'ServiceUnavailableError',
          message: 'CloudWatch is throttling GetMetricData',
        },
        response: { statusCode: 503 },
      }),
      { status: 503, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response as any);
    await renderTab(
      api({
        getTarget: async () => target({}),
        getMetrics: async () => {
          throw error;
        },
      }),
    );
    expect(await screen.findByTestId('metrics-error')).toHaveTextContent(
      'CloudWatch is throttling GetMetricData',
    );
  });

  it('draws the figures against their objectives and says when there are no points', async () => {
    const window = {
      range: '24h' as const,
      start: '2026-11-21T10:00:00.000Z',
      end: '2026-11-22T10:00:00.000Z',
      periodSeconds: 60,
      periodReason: 'the finest standard resolution',
    };
    const view: EntityMetricsResponse = {
      entityRef: 'component:default/stackpro-ai',
      account: { id: 'sandbox', region: 'us-west-2', local: true },
      namespace: 'stackpro.capability',
      dimensions: [{ name: 'capability', value: 'ai' }],
      window,
      series: (
        [
          'success',
          'error',
          'latencyP95',
          'degraded',
          'breakerOpen',
          'availability',
          'errorRate',
          'degradedRatio',
        ] as const
      ).map(key => ({
        key,
        label: key,
        unit: 'count' as const,
        points: [],
        status: 'complete' as const,
        messages: [],
      })),
      summary: {
        requests: 12_000,
        availabilityPercent: 99.5,
        latencyMs: 120,
        latencyStat: 'p95',
        degradedPercent: 0.2,
      },
      objectives,
      partial: false,
      notices: [
        { severity: 'info', message: 'No data points in this window.' },
      ],
      problems: [],
      fetchedAt: '2026-11-22T10:00:00.000Z',
    };
    await renderTab(
      api({ getTarget: async () => target({}), getMetrics: async () => view }),
    );
    expect(await screen.findByTestId('figure-Requests')).toHaveTextContent(
      '12.0 k',
    );
    expect(screen.getByTestId('figure-Availability')).toHaveTextContent(
      '99.500 %',
    );
    expect(screen.getByText('objective ≥ 99.9 %')).toBeInTheDocument();
    expect(screen.getAllByText('No data points in this window')).toHaveLength(
      6,
    );
  });
});

describe('the Metrics page', () => {
  const row = (
    title: string,
    requests: number,
    latencyMs?: number,
  ): OverviewRow => ({
    entityRef: `component:default/${title.toLowerCase()}`,
    title,
    summary: { requests, latencyMs, errorRatePercent: 0 },
    status: 'complete',
    notices: [],
  });

  it('sorts capabilities by a column, the ones without figures last', async () => {
    const overview: MetricsOverviewResponse = {
      window: {
        range: '24h',
        start: '2026-11-21T10:00:00.000Z',
        end: '2026-11-22T10:00:00.000Z',
        periodSeconds: 86_400,
        periodReason: '',
      },
      rows: [row('Billing', 10, 90), row('Messaging', 300, 150), row('AI', 50)],
      objectives,
      calls: 1,
      queries: 15,
      notices: [],
      fetchedAt: '2026-11-22T10:00:00.000Z',
    };
    await renderInTestApp(<MetricsPage />, {
      apis: [[cloudwatchApiRef, api({ getOverview: async () => overview })]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    const titles = () =>
      screen
        .getAllByTestId('overview-row')
        .map(r => r.querySelector('td')?.textContent);
    expect(await screen.findAllByTestId('overview-row')).toHaveLength(3);
    expect(titles()).toEqual(['AI', 'Billing', 'Messaging']);
    await userEvent.click(screen.getByRole('button', { name: 'Requests' }));
    expect(titles()).toEqual(['Messaging', 'AI', 'Billing']);
    await userEvent.click(screen.getByRole('button', { name: 'Latency' }));
    expect(titles()).toEqual(['Messaging', 'Billing', 'AI']);
    await userEvent.click(screen.getByRole('button', { name: 'Latency' }));
    expect(titles()).toEqual(['Billing', 'Messaging', 'AI']);
    expect(
      screen.getByText(/read with 1 GetMetricData request \(15 queries\)/),
    ).toBeInTheDocument();
  });
});
