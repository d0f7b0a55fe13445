import { fireEvent, screen } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AdminApi, adminApiRef } from '../../api';
import { AdminPage } from './AdminPage';

/**
 * An admin's console. usePermission keeps its answers for the whole test file
 * (SWR's cache), so the refusal for others is in AdminPage.test.tsx.
 */
describe('the admin console for an admin', () => {
  it('reads the directory once for the Users and Groups cards, and searches users', async () => {
    const getDirectory = jest.fn(async () => ({
      users: [
        {
          ref: 'user:default/eli.martin',
          name: 'eli.martin',
          displayName: 'Eli Martin',
          email: 'eli.martin@stackportal.example',
          groups: ['team-platform'],
          roles: [],
          impersonable: true,
        },
        {
          ref: 'user:default/amara.okafor',
          name: 'amara.okafor',
          displayName: 'Amara Okafor',
          groups: ['platform-admins'],
          roles: ['admin'],
          impersonable: false,
        },
      ],
      groups: [
        {
          ref: 'group:default/platform-admins',
          name: 'platform-admins',
          displayName: 'Platform Admins',
          memberCount: 2,
          roles: ['admin'],
        },
      ],
    }));
    const api = {
      getDirectory,
      listSessions: jest.fn(async () => []),
      getHighSeverityEvents: jest.fn(async () => []),
      getMaintenance: jest.fn(async () => ({ enabled: false, message: '' })),
      getImpersonationConfig: jest.fn(async () => ({})),
    };
    await renderInTestApp(<AdminPage />, {
      apis: [
        [adminApiRef, api as unknown as AdminApi],
        mockApis.permission({ authorize: () => AuthorizeResult.ALLOW }),
      ],
    });
    const users = await screen.findByRole('table', { name: 'Users' });
    expect(users).toHaveTextContent('Eli Martin');
    expect(
      await screen.findByRole('table', { name: 'Groups' }),
    ).toHaveTextContent('Platform Admins');
    expect(getDirectory).toHaveBeenCalledTimes(1);
    expect(
      screen.getByRole('button', { name: 'Impersonate Amara Okafor' }),
    ).toBeDisabled();

    fireEvent.change(screen.getByTestId('admin-user-search'), {
      target: { value: 'platform-admins' },
    });
    expect(users).not.toHaveTextContent('Eli Martin');
    expect(users).toHaveTextContent('Amara Okafor');
  });
});
