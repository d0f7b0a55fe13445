import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type {
  ChangeRequest,
  FlagCapabilities,
} from '@internal/backstage-plugin-feature-flags-common';
import { FeatureFlagsApi, featureFlagsApiRef } from '../api';
import { ChangeRequestsCard } from './ChangeRequestsCard';

const request: ChangeRequest = {
  id: 'cr-variants',
  project: 'stackpro',
  flag: 'CAP_AI_VERSION',
  environment: 'production',
  kind: 'variants',
  change: { kind: 'variants', variants: [] },
  summary:
    'CAP_AI_VERSION in production: variant v1 100% to 50%; variant v2 - to 50%',
  diff: [
    {
      field: 'variant v1',
      before: '100% (variable), sticky on default',
      after: '50% (variable), sticky on default',
    },
    { field: 'variant v2', after: '50% (variable), sticky on default' },
  ],
  reason: 'route half the tenants to v2',
  status: 'pending',
  requestedBy: 'user:default/amara.okafor',
  requestedAt: '2026-12-01T10:00:00.000Z',
};

const caps = (userEntityRef: string): FlagCapabilities => ({
  toggle: true,
  create: true,
  archive: true,
  updateStrategy: true,
  approve: true,
  protectedEnvironments: ['production'],
  userEntityRef,
});

function fakeApi(approve: FeatureFlagsApi['approve']) {
  const fail = async () => {
    throw new Error('not used');
  };
  return {
    getCapabilities: fail,
    listFlags: fail,
    toggle: fail,
    saveStrategy: fail,
    evaluate: fail,
    listChangeRequests: fail,
    approve,
    reject: fail,
    cancel: fail,
    flagHistory: fail,
  } as FeatureFlagsApi;
}

describe('ChangeRequestsCard', () => {
  it('shows the approver what will change, before and after, and approves that request', async () => {
    const approved: string[] = [];
    const api = fakeApi(async id => {
      approved.push(id);
      return { ...request, status: 'applied' };
    });
    const onChanged = jest.fn();
    await renderInTestApp(
      <ChangeRequestsCard
        pending={[request]}
        capabilities={caps('user:default/chen.wei')}
        onChanged={onChanged}
      />,
      { apis: [[featureFlagsApiRef, api]] },
    );
    const row = screen.getByTestId('change-request-CAP_AI_VERSION');
    const diff = within(row).getByRole('table', {
      name: 'Changes of CAP_AI_VERSION in production',
    });
    expect(within(diff).getByLabelText('variant v1 before')).toHaveTextContent(
      '100% (variable), sticky on default',
    );
    expect(within(diff).getByLabelText('variant v1 after')).toHaveTextContent(
      '50% (variable), sticky on default',
    );
    // a variant that did not exist shows a dash before
    expect(within(diff).getByLabelText('variant v2 before')).toHaveTextContent(
      '—',
    );
    expect(
      within(row).getByText('route half the tenants to v2'),
    ).toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(approved).toEqual(['cr-variants']);
  });

  it('tells the approver when the request went stale, and offers the requester no approval', async () => {
    const api = fakeApi(async () => {
      throw new Error(
        'CAP_AI_VERSION changed since amara.okafor asked for this; nothing was applied. Request the change again.',
      );
    });
    const { unmount } = await renderInTestApp(
      <ChangeRequestsCard
        pending={[request]}
        capabilities={caps('user:default/chen.wei')}
        onChanged={() => {}}
      />,
      { apis: [[featureFlagsApiRef, api]] },
    );
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(
      await screen.findByText(/nothing was applied. Request the change again/),
    ).toBeInTheDocument();
    unmount();

    await renderInTestApp(
      <ChangeRequestsCard
        pending={[request]}
        capabilities={caps('user:default/amara.okafor')}
        onChanged={() => {}}
      />,
      { apis: [[featureFlagsApiRef, api]] },
    );
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.getByText('waiting for another admin')).toBeInTheDocument();
  });
});
