import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import type {
  ChangeRequest,
  ChangeRequestStatus,
  ChangeResponse,
  Constraint,
  EvaluationContextInput,
  EvaluationResult,
  FlagCapabilities,
  FlagListResponse,
  Strategy,
  ToggleResponse,
} from '@internal/backstage-plugin-feature-flags-common';
import { responseErrorOf } from '@internal/backstage-plugin-http-common';

/** Reads and changes feature flags through `/api/feature-flags`. */
export interface FeatureFlagsApi {
  getCapabilities(): Promise<FlagCapabilities>;
  listFlags(filter?: {
    entityRef?: string;
    fresh?: boolean;
  }): Promise<FlagListResponse>;
  /** Sets the state; in a protected environment it opens a change request (reason required). */
  toggle(
    project: string,
    flag: string,
    environment: string,
    enabled: boolean,
    reason?: string,
  ): Promise<ToggleResponse>;
  saveStrategy(
    project: string,
    flag: string,
    environment: string,
    strategyId: string | undefined,
    input: {
      parameters: Record<string, string>;
      constraints: Array<
        Omit<Constraint, 'inverted' | 'caseInsensitive'> & Partial<Constraint>
      >;
      /** Required in a protected environment, where saving becomes a change request. */
      reason?: string;
    },
  ): Promise<StrategySaveResult>;
  evaluate(
    project: string,
    flag: string,
    environment: string,
    context: EvaluationContextInput,
  ): Promise<EvaluationResult>;
  listChangeRequests(status?: ChangeRequestStatus): Promise<ChangeRequest[]>;
  /**
   * What was done to a flag, newest first, from the compliance audit log
   * (`/api/audit-log`): one entry per action with its outcome. The audit log
   * is for admins and compliance: others get its 403.
   */
  flagHistory(project: string, flag: string): Promise<FlagHistoryEntry[]>;
  approve(id: string, comment?: string): Promise<ChangeRequest>;
  reject(id: string, comment: string): Promise<ChangeRequest>;
  cancel(id: string): Promise<ChangeRequest>;
}

/** One action on a flag, as the audit log recorded its outcome. */
export interface FlagHistoryEntry {
  /** The audit event's id (a ULID), for its page in the Compliance log. */
  id: string;
  timestamp: string;
  /** The person's entity ref, when known (not for an erased person). */
  actor?: string;
  /** The admin behind an impersonation. */
  realActor?: string;
  /** The auditor's event id: `flag-toggle`, `change-request-approve`, ... */
  action: string;
  outcome: 'succeeded' | 'failed';
  environment?: string;
  /** The change in one line, when it was a change request. */
  summary?: string;
  /** Why: the requester's reason, or the approver's comment. */
  reason?: string;
  error?: string;
}

/** The most history entries a flag's dialog shows. */
export const FLAG_HISTORY_LIMIT = 50;

/** The audit log's name for a flag, as the flags backend records it. */
export const flagAuditTarget = (project: string, flag: string) =>
  `feature-flag:${project}/${flag}`;

interface AuditEventJson {
  id: string;
  timestamp: string;
  actor?: { ref?: string };
  realActor?: { ref?: string };
  action: string;
  outcome: 'initiated' | 'succeeded' | 'failed';
  error?: string;
  meta?: Record<string, unknown>;
}

const text = (value: unknown) =>
  typeof value === 'string' && value ? value : undefined;

function toHistoryEntry(event: AuditEventJson): FlagHistoryEntry {
  const meta = event.meta ?? {};
  return {
    id: event.id,
    timestamp: event.timestamp,
    actor: event.actor?.ref,
    realActor: event.realActor?.ref,
    action: event.action,
    outcome: event.outcome === 'failed' ? 'failed' : 'succeeded',
    environment: text(meta.environment),
    summary: text(meta.summary),
    reason: text(meta.reason) ?? text(meta.comment),
    error: event.error,
  };
}

/** Saved at once (with the strategy as stored), or a change request waiting for a second admin. */
export type StrategySaveResult =
  | (ChangeResponse & { outcome: 'change-request' })
  | { outcome: 'applied'; strategy: Strategy };

export const featureFlagsApiRef = createApiRef<FeatureFlagsApi>().with({
  id: 'plugin.feature-flags.api',
  pluginId: 'feature-flags',
});

const seg = (s: string) => encodeURIComponent(s);

/** Talks to the feature-flags backend. */
export class FeatureFlagsClient implements FeatureFlagsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async json<T>(
    path: string,
    init?: { method: string; body?: unknown },
  ): Promise<T> {
    return (await this.send<T>(path, init)).body;
  }

  private async send<T>(
    path: string,
    init?: { method: string; body?: unknown },
  ): Promise<{ status: number; body: T }> {
    const base = await this.discoveryApi.getBaseUrl('feature-flags');
    const response = await this.fetchApi.fetch(`${base}${path}`, {
      method: init?.method ?? 'GET',
      headers:
        init?.body !== undefined
          ? { 'Content-Type': 'application/json' }
          : undefined,
      body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    if (!response.ok) throw await responseErrorOf(response);
    if (response.status === 204) return { status: 204, body: undefined as T };
    return { status: response.status, body: (await response.json()) as T };
  }

  getCapabilities() {
    return this.json<FlagCapabilities>('/capabilities');
  }

  listFlags(filter: { entityRef?: string; fresh?: boolean } = {}) {
    const query = new URLSearchParams();
    if (filter.entityRef) query.set('entityRef', filter.entityRef);
    if (filter.fresh) query.set('fresh', 'true');
    const search = query.toString();
    return this.json<FlagListResponse>(`/flags${search ? `?${search}` : ''}`);
  }

  toggle(
    project: string,
    flag: string,
    environment: string,
    enabled: boolean,
    reason?: string,
  ) {
    return this.json<ToggleResponse>(
      `/flags/${seg(project)}/${seg(flag)}/environments/${seg(environment)}`,
      {
        method: 'PUT',
        body: reason === undefined ? { enabled } : { enabled, reason },
      },
    );
  }

  async saveStrategy(
    project: string,
    flag: string,
    environment: string,
    strategyId: string | undefined,
    input: {
      parameters: Record<string, string>;
      constraints: Array<Partial<Constraint>>;
      reason?: string;
    },
  ): Promise<StrategySaveResult> {
    const base = `/flags/${seg(project)}/${seg(flag)}/environments/${seg(
      environment,
    )}/strategies`;
    const { status, body } = await this.send<Strategy | ChangeResponse>(
      strategyId ? `${base}/${seg(strategyId)}` : base,
      {
        method: strategyId ? 'PUT' : 'POST',
        body: input,
      },
    );
    // 202: the environment is protected and the change waits for a second admin
    if (status === 202)
      return body as ChangeResponse & { outcome: 'change-request' };
    return { outcome: 'applied', strategy: body as Strategy };
  }

  evaluate(
    project: string,
    flag: string,
    environment: string,
    context: EvaluationContextInput,
  ) {
    return this.json<EvaluationResult>(
      `/flags/${seg(project)}/${seg(flag)}/evaluate`,
      {
        method: 'POST',
        body: { environment, context },
      },
    );
  }

  async listChangeRequests(status?: ChangeRequestStatus) {
    const { items } = await this.json<{ items: ChangeRequest[] }>(
      `/change-requests${status ? `?status=${status}` : ''}`,
    );
    return items;
  }

  async flagHistory(project: string, flag: string) {
    const query = new URLSearchParams({
      target: flagAuditTarget(project, flag),
      limit: String(FLAG_HISTORY_LIMIT),
    });
    // the outcome of each action carries its start's meta too: one entry each
    query.append('outcome', 'succeeded');
    query.append('outcome', 'failed');
    const base = await this.discoveryApi.getBaseUrl('audit-log');
    const response = await this.fetchApi.fetch(`${base}/events?${query}`);
    if (!response.ok) throw await responseErrorOf(response);
    const { items } = (await response.json()) as { items: AuditEventJson[] };
    return items.map(toHistoryEntry);
  }

  approve(id: string, comment?: string) {
    return this.json<ChangeRequest>(`/change-requests/${seg(id)}/approve`, {
      method: 'POST',
      body: comment ? { comment } : {},
    });
  }

  reject(id: string, comment: string) {
    return this.json<ChangeRequest>(`/change-requests/${seg(id)}/reject`, {
      method: 'POST',
      body: { comment },
    });
  }

  cancel(id: string) {
    return this.json<ChangeRequest>(`/change-requests/${seg(id)}/cancel`, {
      method: 'POST',
      body: {},
    });
  }
}
