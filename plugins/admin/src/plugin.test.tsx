import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  adminConsoleReadPermission,
  ImpersonationSession,
} from '@internal/backstage-plugin-admin-common';
import { AdminApi, adminApiRef } from './api';
import { AdminPage } from './components/AdminPage';
import { ImpersonationBanner, countdown } from './components/PortalBanners';
import { IMPERSONATION_STORAGE_KEY } from './identity';
import { loadPage } from './navigation';

const session: ImpersonationSession = {
  id: 'session-1',
  adminRef: 'user:default/amara.okafor',
  targetRef: 'user:default/eli.martin',
  reason: 'SUP-12: his stack page is empty',
  ticket: 'SUP-12',
  startedAt: new Date(Date.now() - 60_000).toISOString(),
  expiresAt: new Date(Date.now() + 14 * 60_000).toISOString(),
  status: 'active',
  allowWrites: false,
};

function adminApi(overrides: Partial<AdminApi> = {}): AdminApi {
  return {
    getMaintenance: jest.fn(async () => ({ enabled: false, message: '' })),
    setMaintenance: jest.fn(),
    getImpersonationConfig: jest.fn(async () => ({
      defaultDurationSeconds: 900,
      maxMinutes: 60,
      reasonMinLength: 10,
      allowWrites: false,
    })),
    getCurrentImpersonation: jest.fn(async () => undefined),
    listSessions: jest.fn(async () => []),
    startImpersonation: jest.fn(async () => session),
    stopImpersonation: jest.fn(async () => ({
      ...session,
      status: 'stopped' as const,
    })),
    getDirectory: jest.fn(async () => ({
      users: [
        {
          ref: 'user:default/amara.okafor',
          name: 'amara.okafor',
          displayName: 'Amara Okafor',
          groups: ['Platform Admins'],
          roles: ['engineer', 'admin'],
          impersonable: false,
        },
        {
          ref: 'user:default/eli.martin',
          name: 'eli.martin',
          displayName: 'Eli Martin',
          groups: ['Identity'],
          roles: ['engineer'],
          impersonable: true,
        },
      ],
      groups: [
        {
          ref: 'group:default/platform-admins',
          name: 'platform-admins',
          displayName: 'Platform Admins',
          memberCount: 1,
          roles: ['admin'],
        },
      ],
    })),
    getHighSeverityEvents: jest.fn(async () => []),
    ...overrides,
  };
}

const permissionFor = (admin: boolean) =>
  mockApis.permission({
    authorize: ({ permission }) =>
      admin && permission.name === adminConsoleReadPermission.name
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  });

jest.mock('./navigation', () => ({
  loadPage: jest.fn(),
  reloadPage: jest.fn(),
}));
const assign = loadPage as jest.Mock;
beforeEach(() => {
  assign.mockReset();
  window.localStorage.clear();
});

describe('admin plugin', () => {
  it('finds a user by name or group, and names people rather than showing their refs', async () => {
    const api = adminApi({
      listSessions: jest.fn(async () => [session]),
    });
    await renderInTestApp(<AdminPage />, {
      apis: [[adminApiRef, api], permissionFor(true)],
    });
    const eli = await screen.findByRole('link', { name: 'Eli Martin' });
    expect(eli).toHaveAttribute('href', '/catalog/default/user/eli.martin');
    expect(
      screen.queryByText('user:default/eli.martin'),
    ).not.toBeInTheDocument();
    // the session names the admin and the user, each a link
    expect(
      await screen.findByRole('link', { name: 'amara.okafor' }),
    ).toHaveAttribute('href', '/catalog/default/user/amara.okafor');

    fireEvent.change(screen.getByTestId('admin-user-search'), {
      target: { value: 'platform' },
    });
    expect(
      screen.queryByRole('link', { name: 'Eli Martin' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Amara Okafor' }),
    ).toBeInTheDocument();
    fireEvent.change(screen.getByTestId('admin-user-search'), {
      target: { value: 'nobody-like-this' },
    });
    expect(screen.getByText(/No user matches/)).toBeInTheDocument();
  });

  it('starts an impersonation only with a reason, then reloads as the user', async () => {
    const api = adminApi();
    await renderInTestApp(<AdminPage />, {
      apis: [[adminApiRef, api], permissionFor(true)],
    });
    await screen.findByText('Eli Martin');
    expect(
      await screen.findByRole('button', { name: 'Impersonate Amara Okafor' }),
    ).toBeDisabled();
    fireEvent.click(
      screen.getByRole('button', { name: 'Impersonate Eli Martin' }),
    );
    const start = await screen.findByRole('button', {
      name: 'Start impersonating',
    });
    fireEvent.change(screen.getByLabelText(/Reason/), {
      target: { value: 'too short' },
    });
    expect(start).toBeDisabled();
    fireEvent.change(screen.getByLabelText(/Reason/), {
      target: { value: session.reason },
    });
    fireEvent.change(screen.getByLabelText(/Ticket/), {
      target: { value: 'SUP-12' },
    });
    fireEvent.click(start);
    await waitFor(() => expect(assign).toHaveBeenCalledWith('/'));
    expect(api.startImpersonation).toHaveBeenCalledWith({
      target: 'user:default/eli.martin',
      reason: session.reason,
      ticket: 'SUP-12',
      durationMinutes: undefined,
    });
    expect(
      JSON.parse(window.localStorage.getItem(IMPERSONATION_STORAGE_KEY)!),
    ).toEqual({
      sessionId: 'session-1',
      targetRef: 'user:default/eli.martin',
      expiresAt: session.expiresAt,
    });
  });

  it('shows the banner with who, why and the time left, and stops back to the console', async () => {
    window.localStorage.setItem(
      IMPERSONATION_STORAGE_KEY,
      JSON.stringify({
        sessionId: session.id,
        targetRef: session.targetRef,
        expiresAt: session.expiresAt,
      }),
    );
    const api = adminApi({
      getCurrentImpersonation: jest.fn(async () => session),
    });
    await renderInTestApp(<ImpersonationBanner />, {
      apis: [[adminApiRef, api]],
    });
    const banner = await screen.findByTestId('impersonation-banner');
    expect(banner).toHaveTextContent(
      'You are impersonating user:default/eli.martin',
    );
    expect(banner).toHaveTextContent(session.reason);
    expect(screen.getByTestId('impersonation-countdown').textContent).toMatch(
      /^1[34]:\d\d$/,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Stop impersonating' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('/admin'));
    expect(api.stopImpersonation).toHaveBeenCalledWith();
    expect(window.localStorage.getItem(IMPERSONATION_STORAGE_KEY)).toBeNull();
  });

  it('counts down in minutes and seconds, never below zero', () => {
    const now = Date.parse('2026-11-22T08:00:00Z');
    expect(countdown('2026-11-22T08:14:05Z', now)).toBe('14:05');
    expect(countdown('2026-11-22T09:00:01Z', now)).toBe('1:00:01');
    expect(countdown('2026-11-22T07:59:00Z', now)).toBe('00:00');
  });
});
