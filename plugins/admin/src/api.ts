import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import {
  AdminGroup,
  AdminUser,
  ImpersonationSession,
  MaintenanceState,
  StartImpersonationRequest,
} from '@internal/backstage-plugin-admin-common';
import { responseErrorOf } from '@internal/backstage-plugin-http-common';

/** What the impersonation dialog needs from config. */
export interface ImpersonationConfig {
  defaultDurationSeconds: number;
  maxMinutes: number;
  reasonMinLength: number;
  allowWrites: boolean;
}

/** A high-severity audit event as the console lists it. */
export interface AdminAuditEvent {
  id: string;
  timestamp: string;
  actor: { type: string; ref?: string };
  realActor?: { type: string; ref?: string };
  plugin: string;
  action: string;
  severity: string;
  target?: string;
  outcome: string;
  error?: string;
}

/** The admin backend. */
export interface AdminApi {
  getMaintenance(): Promise<MaintenanceState>;
  setMaintenance(state: {
    enabled: boolean;
    message?: string;
  }): Promise<MaintenanceState>;
  getImpersonationConfig(): Promise<ImpersonationConfig>;
  /** The session the caller's token impersonates in, if any. */
  getCurrentImpersonation(): Promise<ImpersonationSession | undefined>;
  listSessions(): Promise<ImpersonationSession[]>;
  startImpersonation(
    request: StartImpersonationRequest,
  ): Promise<ImpersonationSession>;
  /** Stops the caller's current session, or the given one of the caller's. */
  stopImpersonation(sessionId?: string): Promise<ImpersonationSession>;
  getDirectory(): Promise<{ users: AdminUser[]; groups: AdminGroup[] }>;
  getHighSeverityEvents(): Promise<AdminAuditEvent[]>;
}

export const adminApiRef = createApiRef<AdminApi>().with({
  id: 'plugin.admin.api',
  pluginId: 'admin',
});

export class AdminClient implements AdminApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getMaintenance() {
    return this.json<MaintenanceState>('/maintenance');
  }

  setMaintenance(state: { enabled: boolean; message?: string }) {
    return this.json<MaintenanceState>('/maintenance', {
      method: 'PUT',
      body: state,
    });
  }

  getImpersonationConfig() {
    return this.json<ImpersonationConfig>('/impersonation/config');
  }

  async getCurrentImpersonation() {
    const { session } = await this.json<{ session?: ImpersonationSession }>(
      '/impersonation/current',
    );
    return session;
  }

  async listSessions() {
    return (
      await this.json<{ items: ImpersonationSession[] }>(
        '/impersonation/sessions',
      )
    ).items;
  }

  startImpersonation(request: StartImpersonationRequest) {
    return this.json<ImpersonationSession>('/impersonation/sessions', {
      method: 'POST',
      body: request,
    });
  }

  stopImpersonation(sessionId?: string) {
    return this.json<ImpersonationSession>('/impersonation/stop', {
      method: 'POST',
      body: sessionId ? { sessionId } : {},
    });
  }

  getDirectory() {
    return this.json<{ users: AdminUser[]; groups: AdminGroup[] }>(
      '/directory',
    );
  }

  async getHighSeverityEvents() {
    return (await this.json<{ items: AdminAuditEvent[] }>('/audit/high')).items;
  }

  private async json<T>(
    path: string,
    init?: { method: string; body: unknown },
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('admin');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: init?.method ?? 'GET',
      headers: init ? { 'Content-Type': 'application/json' } : undefined,
      body: init ? JSON.stringify(init.body) : undefined,
    });
    if (!response.ok) {
      throw await responseErrorOf(response);
    }
    return (await response.json()) as T;
  }
}
