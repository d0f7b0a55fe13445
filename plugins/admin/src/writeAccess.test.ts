import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionApi } from '@backstage/plugin-permission-react';
import {
  ImpersonationSession,
  MaintenanceState,
} from '@internal/backstage-plugin-admin-common';
import { WriteAccess } from '@internal/backstage-plugin-admin-react';
import { AdminApi } from './api';
import { announceMaintenance } from './components/PortalBanners/maintenanceSignal';
import { forgetImpersonation, rememberImpersonation } from './identity';
import { DefaultWriteAccessApi } from './writeAccess';

const MAINTENANCE_ON: MaintenanceState = {
  enabled: true,
  message: 'Database upgrade until 10:00 UTC.',
};
const MAINTENANCE_OFF: MaintenanceState = { enabled: false, message: '' };

function session(allowWrites: boolean): ImpersonationSession {
  return {
    id: 's1',
    adminRef: 'user:default/amara.okafor',
    targetRef: 'user:default/eli.martin',
    reason: 'ticket SUP-12 says the page is empty',
    startedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
    status: 'active',
    allowWrites,
  };
}

function setup(options: {
  maintenance?: MaintenanceState;
  session?: ImpersonationSession;
  admin?: boolean;
}) {
  const adminApi = {
    getMaintenance: jest.fn(async () => options.maintenance ?? MAINTENANCE_OFF),
    getCurrentImpersonation: jest.fn(async () => options.session),
  } as unknown as AdminApi;
  const authorize = jest.fn(async () => ({
    result: options.admin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
  }));
  const api = DefaultWriteAccessApi.create({
    adminApi,
    permissionApi: { authorize } as unknown as PermissionApi,
  });
  const seen: WriteAccess[] = [];
  const stop = api.watchWriteAccess(access => seen.push(access));
  return { api, adminApi, authorize, seen, stop };
}

/** Lets the API's requests answer. */
const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('DefaultWriteAccessApi', () => {
  afterEach(() => forgetImpersonation());

  it('allows writes when nobody impersonates and maintenance is off', async () => {
    const { api, seen, stop } = setup({});
    await settle();
    expect(api.getWriteAccess()).toEqual({ allowed: true });
    expect(seen).toEqual([]);
    stop();
  });

  it('is read-only at once in a remembered impersonation session, naming the user', async () => {
    rememberImpersonation({
      sessionId: 's1',
      targetRef: 'user:default/eli.martin',
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    const { api, stop } = setup({ session: session(false) });
    expect(api.getWriteAccess()).toEqual({
      allowed: false,
      cause: 'impersonation',
      reason: 'Read-only while you impersonate eli.martin',
    });
    await settle();
    expect(api.getWriteAccess().allowed).toBe(false);
    stop();
  });

  it('allows writes in a session the server says allows them', async () => {
    rememberImpersonation({
      sessionId: 's1',
      targetRef: 'user:default/eli.martin',
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    const { api, seen, stop } = setup({ session: session(true) });
    await settle();
    expect(api.getWriteAccess()).toEqual({ allowed: true });
    expect(seen).toEqual([{ allowed: true }]);
    stop();
  });

  it('pauses writes during maintenance for those who are not admins', async () => {
    const { api, authorize, stop } = setup({ maintenance: MAINTENANCE_ON });
    await settle();
    expect(api.getWriteAccess()).toEqual({
      allowed: false,
      cause: 'maintenance',
      reason:
        'The portal is in maintenance: writes are paused (Database upgrade until 10:00 UTC)',
    });
    expect(authorize).toHaveBeenCalledTimes(1);
    stop();
  });

  it('lets admins write during maintenance, as the request gate does', async () => {
    const { api, stop } = setup({ maintenance: MAINTENANCE_ON, admin: true });
    await settle();
    expect(api.getWriteAccess()).toEqual({ allowed: true });
    stop();
  });

  it('follows maintenance switched in this browser at once, and stops reading when nobody watches', async () => {
    const { api, adminApi, seen, stop } = setup({});
    await settle();
    announceMaintenance(MAINTENANCE_ON);
    await settle();
    expect(api.getWriteAccess().allowed).toBe(false);
    announceMaintenance(MAINTENANCE_OFF);
    await settle();
    expect(seen.map(access => access.allowed)).toEqual([false, true]);

    stop();
    announceMaintenance(MAINTENANCE_ON);
    await settle();
    expect(seen).toHaveLength(2);
    expect(adminApi.getMaintenance).toHaveBeenCalledTimes(1);
  });
});
