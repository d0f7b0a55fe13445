import {
  pausedForMaintenance,
  readOnlyWhileImpersonating,
  WriteAccess,
  WriteAccessApi,
  WRITES_ALLOWED,
} from '@internal/backstage-plugin-admin-react';
import { PermissionApi } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  adminMaintenanceUpdatePermission,
  MaintenanceState,
} from '@internal/backstage-plugin-admin-common';
import { AdminApi } from './api';
import { rememberedImpersonation } from './identity';
import { onMaintenanceAnnounced } from './components/PortalBanners/maintenanceSignal';

/** How often maintenance mode is read while someone watches (as the banner does). */
const MAINTENANCE_POLL_MS = 30_000;

/**
 * What the browser knows of the person's write access, following the rules
 * of the request gate (`plugins/admin-node` `RequestGate`):
 * - while this browser impersonates in a read-only session, no writes
 *   (known at once from the remembered session; a session the server says
 *   allows writes lifts it);
 * - during maintenance, no writes for those who may not switch maintenance
 *   (`admin.maintenance.update`: the admins the gate lets through).
 * Maintenance is read when someone starts watching, every 30 s while they
 * do, and at once when this browser's admin switches it.
 */
export class DefaultWriteAccessApi implements WriteAccessApi {
  private readonly listeners = new Set<(access: WriteAccess) => void>();
  private access: WriteAccess;
  private impersonation?: { targetRef: string; allowWrites: boolean };
  private maintenance?: MaintenanceState;
  /** Whether maintenance spares this person; asked once, when first needed. */
  private mayWriteInMaintenance?: Promise<boolean>;
  private exempt = false;
  private stopWatching?: () => void;

  private constructor(
    private readonly adminApi: AdminApi,
    private readonly permissionApi: PermissionApi,
  ) {
    const remembered = rememberedImpersonation();
    if (remembered) {
      // read-only until the server says this session allows writes
      this.impersonation = {
        targetRef: remembered.targetRef,
        allowWrites: false,
      };
      this.adminApi.getCurrentImpersonation().then(
        session => {
          if (session) {
            this.impersonation = {
              targetRef: session.targetRef,
              allowWrites: session.allowWrites,
            };
            this.update();
          }
        },
        () => undefined, // the banner takes the person back to themselves
      );
    }
    this.access = this.decide();
  }

  static create(options: {
    adminApi: AdminApi;
    permissionApi: PermissionApi;
  }): DefaultWriteAccessApi {
    return new DefaultWriteAccessApi(options.adminApi, options.permissionApi);
  }

  getWriteAccess(): WriteAccess {
    return this.access;
  }

  watchWriteAccess(listener: (access: WriteAccess) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.startWatching();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stopWatching?.();
        this.stopWatching = undefined;
      }
    };
  }

  private startWatching() {
    let stopped = false;
    const read = () =>
      this.adminApi.getMaintenance().then(
        state => (stopped ? undefined : this.setMaintenance(state)),
        () => undefined, // keep the last answer; the server decides anyway
      );
    read();
    const timer = setInterval(read, MAINTENANCE_POLL_MS);
    const unsubscribe = onMaintenanceAnnounced(state =>
      this.setMaintenance(state),
    );
    this.stopWatching = () => {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
    };
  }

  private async setMaintenance(state: MaintenanceState) {
    this.maintenance = state;
    if (state.enabled) {
      this.mayWriteInMaintenance ??= this.permissionApi
        .authorize({ permission: adminMaintenanceUpdatePermission })
        .then(
          decision => decision.result === AuthorizeResult.ALLOW,
          () => false,
        );
      this.exempt = await this.mayWriteInMaintenance;
    }
    this.update();
  }

  private decide(): WriteAccess {
    if (this.impersonation && !this.impersonation.allowWrites) {
      return readOnlyWhileImpersonating(this.impersonation.targetRef);
    }
    if (this.maintenance?.enabled && !this.exempt) {
      return pausedForMaintenance(this.maintenance.message);
    }
    return WRITES_ALLOWED;
  }

  private update() {
    const next = this.decide();
    if (JSON.stringify(next) === JSON.stringify(this.access)) return;
    this.access = next;
    for (const listener of this.listeners) listener(next);
  }
}
