import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** Each call to the feature-flags backend gives up after this long. */
const FLAGS_TIMEOUT_MS = 15_000;

export interface FlagsCapabilities {
  create: boolean;
  toggle: boolean;
  protectedEnvironments: string[];
}

export interface FlagList {
  degraded?: boolean;
  reason?: string;
  environments: Array<{ name: string; protected?: boolean }>;
  flags: Array<{ name: string; project: string }>;
}

/**
 * Calls the feature-flags backend's public API as the person who ran the
 * template, so that its permission checks, change requests for protected
 * environments and audit events apply exactly as on the Flags page.
 */
export class FlagsApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(FLAGS_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `The feature-flags service did not answer ${method} ${path}: ${
          (error as Error).message
        }`,
      );
    }
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.status >= 400 && response.status !== 409) {
      const message = parsed?.error?.message ?? text.slice(0, 200);
      if (response.status === 403) throw new NotAllowedError(message);
      if (response.status === 404) throw new NotFoundError(message);
      if (response.status === 400) throw new InputError(message);
      throw new ServiceUnavailableError(
        `Feature flags answered ${response.status}: ${message}`,
      );
    }
    return { status: response.status, body: parsed as T };
  }
}

export interface PendingChangeRequest {
  id: string;
  project: string;
  flag: string;
  kind: string;
  requestedBy: string;
}

/**
 * The creations of flags in `project` that wait for a second admin, by flag:
 * a template run again after stopping half-way finds its own earlier
 * requests here and does not ask twice.
 */
export async function pendingCreations(
  api: FlagsApi,
  project: string,
): Promise<Map<string, PendingChangeRequest>> {
  const { body } = await api.call<{ items: PendingChangeRequest[] }>(
    'GET',
    '/change-requests?status=pending',
  );
  return new Map(
    (body?.items ?? [])
      .filter(c => c.kind === 'create' && c.project === project)
      .map(c => [c.flag, c]),
  );
}
