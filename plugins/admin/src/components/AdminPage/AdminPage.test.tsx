import { screen } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AdminApi, adminApiRef } from '../../api';
import { AdminPage } from './AdminPage';

describe('the admin console for somebody who is not an admin', () => {
  it('shows a refusal and asks the backend for nothing', async () => {
    const getDirectory = jest.fn();
    const api = {
      getDirectory,
      listSessions: jest.fn(),
      getHighSeverityEvents: jest.fn(),
      getMaintenance: jest.fn(),
    };
    await renderInTestApp(<AdminPage />, {
      apis: [
        [adminApiRef, api as unknown as AdminApi],
        mockApis.permission({ authorize: () => AuthorizeResult.DENY }),
      ],
    });
    expect(
      await screen.findByText(/You need the admin role/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Admin console' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(getDirectory).not.toHaveBeenCalled();
  });
});
