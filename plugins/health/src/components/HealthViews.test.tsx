import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  DEFAULT_HEALTH_OBJECTIVES,
  EntityHealthResponse,
  HealthSummary,
} from '@internal/backstage-plugin-health-common';
import { HealthApi, healthApiRef } from '../api';
import { EntityHealthContent } from './EntityHealthContent';
import { HealthPage } from './HealthPage';
import { StatusPage } from './StatusPage';
import { UptimeStrip } from './UptimeStrip';

jest.setTimeout(30_000);

const T = Date.UTC(2026, 10, 30, 12);

function summary(extra: Partial<HealthSummary>): HealthSummary {
  return {
    entityRef: 'component:default/stackpro-messaging',
    title: 'StackPro Messaging',
    kind: 'Component',
    owner: 'team-platform',
    system: 'stackpro',
    stack: 'communication-stack',
    status: 'up',
    lastProbe: { at: T, status: 'up', latencyMs: 42, httpStatus: 200 },
    p95Ms: 80,
    degradedRatio: 0,
    availability30d: 1,
    budget: { remaining: 1, failures: 0, allowedFailures: 86.4 },
    alerts: [],
    uptime: { from: '2026-11-30', days: 'u', partial: [] },
    objectives: DEFAULT_HEALTH_OBJECTIVES,
    problems: [],
    ...extra,
  };
}

const items = [
  summary({}),
  summary({
    entityRef: 'component:default/stackpro-ai',
    title: 'StackPro AI',
    owner: 'team-ai',
    status: 'down',
    budget: { remaining: -0.5, failures: 130, allowedFailures: 86.4 },
    alerts: [{ rule: 'page-1h', severity: 'page', since: T, burnRate: 20 }],
  }),
];

function api(overrides: Partial<HealthApi>): HealthApi {
  const never = () => new Promise<never>(() => {});
  return {
    list: async () => ({ items, generatedAt: T, intervalSeconds: 30 }),
    entity: never,
    incidents: async () => [],
    capabilities: never,
    ...overrides,
  };
}

describe('the Health page', () => {
  it('lists every probed entity with status, budget and alerts, the worst first, and filters by owner', async () => {
    await renderInTestApp(<HealthPage />, { apis: [[healthApiRef, api({})]] });
    const rows = await screen.findAllByTestId(/^health-row-/);
    expect(
      rows.map(r => within(r).getByTestId('health-status').textContent),
    ).toEqual(['Down', 'Up']);
    expect(
      within(rows[0]).getByText('page page-1h · 20.0x'),
    ).toBeInTheDocument();
    expect(within(rows[0]).getByText('-50.0 %')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('combobox', { name: 'Owner' }));
    await userEvent.click(
      screen.getByRole('option', { name: 'team-platform' }),
    );
    expect(screen.getAllByTestId(/^health-row-/)).toHaveLength(1);
    expect(screen.getByText('StackPro Messaging')).toBeInTheDocument();
  });
});

describe('the uptime strip', () => {
  it('draws one bar per day of the encoded strip, with its day and availability', async () => {
    await renderInTestApp(
      <UptimeStrip
        strip={{ from: '2026-11-28', days: 'u-xd', partial: [0.9985] }}
      />,
    );
    const strip = screen.getByRole('img', { name: 'Uptime over 4 days' });
    const bars = Array.from(strip.children) as HTMLElement[];
    expect(bars).toHaveLength(4);
    await userEvent.hover(bars[2]);
    expect(
      await screen.findByText('2026-11-30: 99.850 %, degraded at times'),
    ).toBeInTheDocument();
    await userEvent.hover(bars[1]);
    expect(
      await screen.findByText('2026-11-29: not probed'),
    ).toBeInTheDocument();
  });
});

describe('the status page', () => {
  it('says what is down above the list', async () => {
    await renderInTestApp(<StatusPage />, { apis: [[healthApiRef, api({})]] });
    expect(await screen.findByTestId('status-banner')).toHaveTextContent(
      '1 down: StackPro AI',
    );
  });
});

describe('the entity Health tab', () => {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'stackpro-messaging', namespace: 'default' },
  };
  it('shows the status, SLO cards, budget and what is wrong with the annotations', async () => {
    const response: EntityHealthResponse = {
      summary: summary({
        status: 'degraded',
        problems: [
          {
            annotation: 'stackportal.io/slo-availability',
            message: '"lots" is not a number above 0 and at most 99.9999',
          },
        ],
      }),
      slo: [
        {
          window: '1h',
          samples: 120,
          availability: 1,
          p95Ms: 90,
          degradedRatio: 0.5,
          meets: { availability: true, latency: true, degraded: false },
        },
      ],
      incidents: [],
      probes: [{ at: T, status: 'degraded', latencyMs: 40, httpStatus: 200 }],
      series: [],
      resolution: 'minute',
      intervalSeconds: 30,
    };
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityHealthContent />
      </EntityProvider>,
      { apis: [[healthApiRef, api({ entity: async () => response })]] },
    );
    expect(
      (await screen.findAllByTestId('health-status'))[0],
    ).toHaveTextContent('Degraded');
    expect(screen.getByTestId('slo-1h')).toHaveTextContent(
      'Degraded 50.00 % / 1 %',
    );
    expect(screen.getByTestId('error-budget')).toHaveTextContent('100.0 %');
    expect(screen.getByTestId('annotation-problem')).toHaveTextContent(
      'stackportal.io/slo-availability: "lots" is not a number',
    );
  });
});
