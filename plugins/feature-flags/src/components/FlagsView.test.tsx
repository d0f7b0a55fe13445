import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type {
  ChangeRequest,
  Flag,
  FlagCapabilities,
  FlagListResponse,
} from '@internal/backstage-plugin-feature-flags-common';
import { FeatureFlagsApi, featureFlagsApiRef } from '../api';
import { FlagsView } from './FlagsView';

const flag = (name: string, enabled: [boolean, boolean, boolean], extra: Partial<Flag> = {}): Flag => ({
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

function fakeApi(options: { caps: Partial<FlagCapabilities>; degraded?: boolean }) {
  const list: FlagListResponse = {
    provider: 'unleash',
    degraded: Boolean(options.degraded),
    ageMs: 125_000,
    reason: options.degraded ? 'Unleash at http://unleash cannot be reached (ECONNREFUSED)' : undefined,
    projects: [{ id: 'stackpro', name: 'stackpro' }],
    environments: [
      { name: 'development', type: 'development', protected: false },
      { name: 'staging', type: 'development', protected: false },
      { name: 'production', type: 'production', protected: true },
    ],
    flags: [
      flag('CAP_AI_ENABLED', [true, false, false]),
      flag('CAP_BILLING_ENABLED', [true, false, false], { stale: true }),
      flag('CAP_AI_VERSION', [false, false, false], { potentiallyStale: true, lifecycle: 'completed' }),
    ],
  };
  const pending: ChangeRequest[] = [];
  const calls: Array<{ flag: string; environment: string; enabled: boolean; reason?: string }> = [];
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
          id: 'cr1', project, flag: name, environment, enabled, reason: reason!, status: 'pending',
          requestedBy: 'user:default/amara.okafor', requestedAt: new Date().toISOString(),
        };
        pending.push(cr);
        return { outcome: 'change-request', changeRequest: cr };
      }
      list.flags.find(f => f.name === name)!.environments.find(e => e.name === environment)!.enabled = enabled;
      return { outcome: 'applied' };
    },
    saveStrategy: async (_project, name, environment, strategyId, body) => {
      const env = list.flags.find(f => f.name === name)!.environments.find(e => e.name === environment)!;
      env.strategies = [{ id: strategyId ?? 's1', name: 'flexibleRollout', disabled: false, ...body } as any];
      return env.strategies[0];
    },
    evaluate: async () => { throw new Error('not used'); },
    listChangeRequests: async () => pending,
    approve: async () => { throw new Error('not used'); },
    reject: async () => { throw new Error('not used'); },
    cancel: async () => { throw new Error('not used'); },
  };
  return { api, calls };
}

describe('FlagsView', () => {
  it('shows engineers the states without switches, and the stale mark', async () => {
    const { api } = fakeApi({ caps: {} });
    await renderInTestApp(<FlagsView />, { apis: [[featureFlagsApiRef, api]] });
    expect(await screen.findByTestId('flag-row-CAP_AI_ENABLED')).toBeInTheDocument();
    expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
    expect(screen.getByLabelText('CAP_AI_ENABLED in development: on')).toBeInTheDocument();
    expect(within(screen.getByTestId('flag-row-CAP_BILLING_ENABLED')).getByText('stale')).toBeInTheDocument();
    const aging = within(screen.getByTestId('flag-row-CAP_AI_VERSION'));
    expect(aging.getByText('potentially stale')).toBeInTheDocument();
    expect(aging.getByText('completed')).toBeInTheDocument();
    expect(screen.getByText(/changing them is for admins/)).toBeInTheDocument();
  });

  it('sends one change for a double click, and asks a reason for production', async () => {
    const { api, calls } = fakeApi({ caps: { toggle: true, approve: true } });
    await renderInTestApp(<FlagsView />, { apis: [[featureFlagsApiRef, api]] });
    await userEvent.click(await screen.findByRole('checkbox', { name: 'CAP_AI_ENABLED in staging' }));
    await userEvent.dblClick(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByRole('status')).toHaveTextContent('CAP_AI_ENABLED is on in staging');
    expect(calls).toEqual([{ flag: 'CAP_AI_ENABLED', environment: 'staging', enabled: true, reason: undefined }]);

    await userEvent.click(screen.getByRole('checkbox', { name: 'CAP_AI_ENABLED in production' }));
    const request = screen.getByRole('button', { name: 'Request change' });
    expect(request).toBeDisabled();
    await userEvent.type(screen.getByRole('textbox', { name: 'Reason' }), 'launch');
    await userEvent.click(request);
    await waitFor(() => expect(screen.getByTestId('change-request-CAP_AI_ENABLED')).toHaveTextContent('waiting for another admin'));
    expect(calls[1]).toEqual({ flag: 'CAP_AI_ENABLED', environment: 'production', enabled: true, reason: 'launch' });
  });

  it('keeps the targeting someone saves, and says so, through the reloads that follow', async () => {
    const { api } = fakeApi({ caps: { updateStrategy: true } });
    await renderInTestApp(<FlagsView />, { apis: [[featureFlagsApiRef, api]] });
    await userEvent.click(await screen.findByRole('button', { name: 'CAP_AI_ENABLED' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Tenant ids' }), 'acme');
    await userEvent.click(screen.getByRole('button', { name: 'Save targeting' }));
    // the reload after the save shows the stored strategy, and the confirmation stays
    expect(await screen.findByText(/tenantId IN \[acme\]/)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Saved: tenants acme, 100%');
  });

  it('shows a banner when Unleash is down and disables the switches', async () => {
    const { api } = fakeApi({ caps: { toggle: true }, degraded: true });
    await renderInTestApp(<FlagsView />, { apis: [[featureFlagsApiRef, api]] });
    expect(await screen.findByTestId('degraded-banner')).toHaveTextContent('showing flags as they were 2 min ago');
    expect(screen.getByRole('checkbox', { name: 'CAP_AI_ENABLED in staging' })).toBeDisabled();
  });
});
