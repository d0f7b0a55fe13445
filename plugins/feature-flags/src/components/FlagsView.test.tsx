import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type {
  ChangeRequest,
  Flag,
  FlagCapabilities,
  FlagListResponse,
} from '@internal/backstage-plugin-feature-flags-common';
import {
  readOnlyWhileImpersonating,
  writeAccessApiRef,
} from '@internal/backstage-plugin-admin-react';
import { FeatureFlagsApi, featureFlagsApiRef } from '../api';
import { FlagsView } from './FlagsView';

// entity names are links to their catalog pages
const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

const flag = (
  name: string,
  enabled: [boolean, boolean, boolean],
  extra: Partial<Flag> = {},
): Flag => ({
  name,
  project: 'stackpro',
  description: '',
  type: 'release',
  stale: false,
  tags: [{ type: 'capability', value: name.split('_')[1].toLowerCase() }],
  environments: ['development', 'staging', 'production'].map((env, i) => ({
    name: env,
    enabled: enabled[i],
    strategies: [],
    variants: [],
  })),
  entities: [],
  ...extra,
});

function fakeApi(options: {
  caps: Partial<FlagCapabilities>;
  degraded?: boolean;
  history?: FeatureFlagsApi['flagHistory'];
  decided?: ChangeRequest[];
}) {
  const list: FlagListResponse = {
    provider: 'unleash',
    degraded: Boolean(options.degraded),
    ageMs: 125_000,
    reason: options.degraded
      ? 'Unleash at http://unleash cannot be reached (ECONNREFUSED)'
      : undefined,
    projects: [{ id: 'stackpro', name: 'stackpro' }],
    environments: [
      { name: 'development', type: 'development', protected: false },
      { name: 'staging', type: 'development', protected: false },
      { name: 'production', type: 'production', protected: true },
    ],
    flags: [
      flag('CAP_AI_ENABLED', [true, false, false]),
      flag('CAP_BILLING_ENABLED', [true, false, false], { stale: true }),
      flag('CAP_AI_VERSION', [false, false, false], {
        potentiallyStale: true,
        lifecycle: 'completed',
      }),
    ],
  };
  const pending: ChangeRequest[] = [];
  const calls: Array<{
    flag: string;
    environment: string;
    enabled: boolean;
    reason?: string;
  }> = [];
  const api: FeatureFlagsApi = {
    getCapabilities: async () => ({
      toggle: false,
      create: false,
      archive: false,
      updateStrategy: false,
      approve: false,
      protectedEnvironments: ['production'],
      userEntityRef: 'user:default/amara.okafor',
      ...options.caps,
    }),
    // a copy, as from the network: every reload brings new objects
    listFlags: async () => structuredClone(list),
    toggle: async (project, name, environment, enabled, reason) => {
      calls.push({ flag: name, environment, enabled, reason });
      await new Promise(r => setTimeout(r, 50));
      if (environment === 'production') {
        const cr: ChangeRequest = {
          id: 'cr1',
          project,
          flag: name,
          environment,
          enabled,
          reason: reason!,
          status: 'pending',
          kind: 'toggle',
          change: { kind: 'toggle', enabled },
          summary: `${name} ${enabled ? 'on' : 'off'} in ${environment}`,
          diff: [
            {
              field: 'enabled',
              before: enabled ? 'off' : 'on',
              after: enabled ? 'on' : 'off',
            },
          ],
          requestedBy: 'user:default/amara.okafor',
          requestedAt: new Date().toISOString(),
        };
        pending.push(cr);
        return { outcome: 'change-request', changeRequest: cr };
      }
      list.flags
        .find(f => f.name === name)!
        .environments.find(e => e.name === environment)!.enabled = enabled;
      return { outcome: 'applied' };
    },
    saveStrategy: async (
      project,
      name,
      environment,
      strategyId,
      { reason, ...body },
    ) => {
      const env = list.flags
        .find(f => f.name === name)!
        .environments.find(e => e.name === environment)!;
      if (environment === 'production') {
        const before = env.strategies[0]?.parameters.rollout ?? '100';
        const cr: ChangeRequest = {
          id: 'cr2',
          project,
          flag: name,
          environment,
          reason: reason!,
          status: 'pending',
          kind: 'strategy',
          change: { kind: 'strategy', strategyId, strategy: body as any },
          summary: `${name} in ${environment}: rollout ${before}% to ${body.parameters.rollout}%`,
          diff: [
            {
              field: 'rollout',
              before: `${before}%`,
              after: `${body.parameters.rollout}%`,
            },
          ],
          requestedBy: 'user:default/amara.okafor',
          requestedAt: new Date().toISOString(),
        };
        pending.push(cr);
        return { outcome: 'change-request', changeRequest: cr };
      }
      env.strategies = [
        {
          id: strategyId ?? 's1',
          name: 'flexibleRollout',
          disabled: false,
          ...body,
        } as any,
      ];
      return { outcome: 'applied', strategy: env.strategies[0] };
    },
    evaluate: async () => {
      throw new Error('not used');
    },
    listChangeRequests: async status =>
      status ? pending : [...pending, ...(options.decided ?? [])],
    flagHistory: options.history ?? (async () => []),
    approve: async () => {
      throw new Error('not used');
    },
    reject: async () => {
      throw new Error('not used');
    },
    cancel: async () => {
      throw new Error('not used');
    },
  };
  return { api, calls };
}

describe('FlagsView', () => {
  it('shows engineers the states without switches, and the stale mark', async () => {
    const { api } = fakeApi({ caps: {} });
    await renderInTestApp(<FlagsView />, {
      apis: [[featureFlagsApiRef, api]],
      mountedRoutes,
    });
    expect(
      await screen.findByTestId('flag-row-CAP_AI_ENABLED'),
    ).toBeInTheDocument();
    expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
    expect(
      screen.getByLabelText('CAP_AI_ENABLED in development: on'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('flag-row-CAP_BILLING_ENABLED')).getByText(
        'stale',
      ),
    ).toBeInTheDocument();
    const aging = within(screen.getByTestId('flag-row-CAP_AI_VERSION'));
    expect(aging.getByText('potentially stale')).toBeInTheDocument();
    expect(aging.getByText('completed')).toBeInTheDocument();
    expect(screen.getByText(/changing them is for admins/)).toBeInTheDocument();
  });

  it('sends one change for a double click, and asks a reason for production', async () => {
    const { api, calls } = fakeApi({ caps: { toggle: true, approve: true } });
    await renderInTestApp(<FlagsView />, {
      apis: [[featureFlagsApiRef, api]],
      mountedRoutes,
    });
    await userEvent.click(
      await screen.findByRole('checkbox', {
        name: 'CAP_AI_ENABLED in staging',
      }),
    );
    await userEvent.dblClick(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'CAP_AI_ENABLED is on in staging',
    );
    expect(calls).toEqual([
      {
        flag: 'CAP_AI_ENABLED',
        environment: 'staging',
        enabled: true,
        reason: undefined,
      },
    ]);

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'CAP_AI_ENABLED in production' }),
    );
    const request = screen.getByRole('button', { name: 'Request change' });
    expect(request).toBeDisabled();
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Reason' }),
      'launch',
    );
    await userEvent.click(request);
    await waitFor(() =>
      expect(
        screen.getByTestId('change-request-CAP_AI_ENABLED'),
      ).toHaveTextContent('waiting for another admin'),
    );
    expect(calls[1]).toEqual({
      flag: 'CAP_AI_ENABLED',
      environment: 'production',
      enabled: true,
      reason: 'launch',
    });
  });

  it('keeps the targeting someone saves, and says so, through the reloads that follow', async () => {
    const { api } = fakeApi({ caps: { updateStrategy: true } });
    await renderInTestApp(<FlagsView />, {
      apis: [[featureFlagsApiRef, api]],
      mountedRoutes,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'CAP_AI_ENABLED' }),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Tenant ids' }),
      'acme',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Save targeting' }),
    );
    // the reload after the save shows the stored strategy, and the confirmation stays
    expect(await screen.findByText(/tenantId IN \[acme\]/)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Saved: tenants acme, 100%',
    );
  });

  it('turns production targeting into a change request whose diff the card shows', async () => {
    const { api } = fakeApi({ caps: { updateStrategy: true, approve: true } });
    await renderInTestApp(<FlagsView />, {
      apis: [[featureFlagsApiRef, api]],
      mountedRoutes,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'CAP_AI_ENABLED' }),
    );
    await userEvent.click(
      screen.getByRole('combobox', { name: /Environment/ }),
    );
    await userEvent.click(screen.getByRole('option', { name: 'production' }));
    const send = screen.getByRole('button', {
      name: 'Request targeting change',
    });
    // a protected environment asks for the reason first
    expect(send).toBeDisabled();
    await userEvent.clear(
      screen.getByRole('textbox', { name: 'Rollout percentage' }),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Rollout percentage' }),
      '25',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Targeting reason' }),
      'ramp up',
    );
    await userEvent.click(send);
    expect(
      await screen.findByText(
        /Change request sent: all tenants, 25% in production waits for another admin/,
      ),
    ).toBeInTheDocument();
    const card = await screen.findByTestId('change-request-CAP_AI_ENABLED');
    expect(
      within(card).getByText(
        'CAP_AI_ENABLED in production: rollout 100% to 25%',
      ),
    ).toBeInTheDocument();
    expect(within(card).getByLabelText('rollout before')).toHaveTextContent(
      '100%',
    );
    expect(within(card).getByLabelText('rollout after')).toHaveTextContent(
      '25%',
    );
    expect(
      within(card).getByText('waiting for another admin'),
    ).toBeInTheDocument();
  });

  it('shows a banner when Unleash is down and disables the switches', async () => {
    const { api } = fakeApi({ caps: { toggle: true }, degraded: true });
    await renderInTestApp(<FlagsView />, {
      apis: [[featureFlagsApiRef, api]],
      mountedRoutes,
    });
    expect(await screen.findByTestId('degraded-banner')).toHaveTextContent(
      'showing flags as they were 2 min ago',
    );
    expect(
      screen.getByRole('checkbox', { name: 'CAP_AI_ENABLED in staging' }),
    ).toBeDisabled();
  });

  it('disables the switches and targeting while an admin impersonates, and says why', async () => {
    const { api } = fakeApi({
      caps: { toggle: true, updateStrategy: true },
    });
    const readOnly = readOnlyWhileImpersonating('user:default/eli.martin');
    await renderInTestApp(<FlagsView />, {
      apis: [
        [featureFlagsApiRef, api],
        [
          writeAccessApiRef,
          { getWriteAccess: () => readOnly, watchWriteAccess: () => () => {} },
        ],
      ],
      mountedRoutes,
    });
    expect(await screen.findByTestId('write-access-notice')).toHaveTextContent(
      'Read-only while you impersonate eli.martin.',
    );
    const toggle = screen.getByRole('checkbox', {
      name: 'CAP_AI_ENABLED in staging',
    });
    expect(toggle).toBeDisabled();
    await userEvent.hover(toggle.closest('[data-testid="write-blocked"]')!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Read-only while you impersonate eli.martin',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'CAP_AI_ENABLED' }),
    );
    expect(
      await screen.findByRole('button', { name: 'Save targeting' }),
    ).toBeDisabled();
  });

  it('opens the flag named in the URL with its entities as links and its history from the audit log', async () => {
    const { api } = fakeApi({
      caps: {},
      history: async () => [
        {
          id: '01JDXAMPLE0000000000000001',
          timestamp: '2026-12-01T10:15:00.000Z',
          actor: 'user:default/chen.wei',
          action: 'change-request-approve',
          outcome: 'succeeded',
          environment: 'production',
          summary: 'CAP_AI_ENABLED on in production',
          reason: 'AI v1 passed the staging soak',
        },
      ],
    });
    const list = await api.listFlags();
    api.listFlags = async () => ({
      ...list,
      flags: list.flags.map(f =>
        f.name === 'CAP_AI_ENABLED'
          ? {
              ...f,
              entities: [
                {
                  entityRef: 'component:default/stackpro-ai',
                  title: 'StackPro AI',
                  owner: 'group:default/team-ai',
                  stack: 'ai-stack',
                },
              ],
            }
          : f,
      ),
    });
    await renderInTestApp(<FlagsView />, {
      apis: [[featureFlagsApiRef, api]],
      mountedRoutes,
      initialRouteEntries: ['/feature-flags?flag=stackpro%2FCAP_AI_ENABLED'],
    });
    const dialog = await screen.findByRole('dialog');
    const links = within(dialog).getByTestId('flag-links');
    expect(
      within(links).getByRole('link', { name: 'StackPro AI' }),
    ).toHaveAttribute('href', '/catalog/default/component/stackpro-ai');
    expect(
      within(links)
        .getAllByRole('link')
        .map(a => a.getAttribute('href')),
    ).toEqual([
      '/catalog/default/component/stackpro-ai',
      '/catalog/default/system/ai-stack',
      '/catalog/default/group/team-ai',
    ]);
    const entry = await within(dialog).findByTestId('flag-history-entry');
    expect(entry).toHaveTextContent('Change approved in production');
    expect(entry).toHaveTextContent('AI v1 passed the staging soak');
    expect(
      within(entry).getByRole('link', { name: /Audit event/ }),
    ).toHaveAttribute(
      'href',
      '/compliance?target=feature-flag%3Astackpro%2FCAP_AI_ENABLED&event=01JDXAMPLE0000000000000001',
    );
  });

  it('tells those who may not read the audit log where the history lives, and lists decided requests', async () => {
    const refusal = Object.assign(
      new Error('audit-log.event.read is for compliance staff and admins'),
      {
        response: { status: 403 },
      },
    );
    const { api } = fakeApi({
      caps: {},
      history: async () => {
        throw refusal;
      },
      decided: [
        {
          id: 'cr9',
          project: 'stackpro',
          flag: 'CAP_AI_ENABLED',
          environment: 'production',
          kind: 'toggle',
          change: { kind: 'toggle', enabled: true },
          diff: [],
          summary: 'CAP_AI_ENABLED on in production',
          reason: 'launch',
          status: 'rejected',
          requestedBy: 'user:default/amara.okafor',
          requestedAt: '2026-12-01T09:00:00.000Z',
          decidedBy: 'user:default/chen.wei',
          decidedAt: '2026-12-01T09:30:00.000Z',
          decisionComment: 'Not before the freeze ends',
        },
      ],
    });
    await renderInTestApp(<FlagsView />, {
      apis: [[featureFlagsApiRef, api]],
      mountedRoutes,
    });
    const decided = await screen.findByTestId('decided-cr9');
    expect(decided).toHaveTextContent('Rejected');
    expect(decided).toHaveTextContent('Not before the freeze ends');
    await userEvent.click(
      screen.getByRole('button', { name: 'CAP_AI_ENABLED' }),
    );
    expect(
      await screen.findByText(/kept in the compliance audit log/),
    ).toBeInTheDocument();
  });
});
