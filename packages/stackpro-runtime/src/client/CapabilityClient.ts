import type { Contract, ContractOperation } from '../contract/Contract';

/** What a call sends: path, query and header parameters by name, and a JSON body. */
export interface CapabilityCallInput {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * What a call gives back, never thrown: the capability's own answer, or, when
 * it could not be reached, timed out or failed without a contract-shaped
 * body, a stand-in with `degraded: true` (empty lists where the contract's
 * answer has them) and the `error` that explains it.
 */
export interface CapabilityCallResult<T = Record<string, any>> {
  /** The HTTP status, or 0 when no answer came. */
  status: number;
  body: T & {
    degraded: boolean;
    error?: { code: string; message: string; requestId?: string };
  };
  degraded: boolean;
}

export interface CapabilityClientOptions {
  contract: Contract;
  /** What `resolveCapabilityUrl` gives: `http://127.0.0.1:7090/messaging`. */
  baseUrl: string;
  /** Sent as `X-Tenant-Id` on every call but health. */
  tenantId?: string;
  /** A bearer token (the contracts' JWT scheme), asked for each call. */
  getAuthToken?: () => Promise<string | undefined> | string | undefined;
  /** Each call gives up after this many milliseconds. Default: 5000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The empty answer of a successful response's schema: its required arrays empty. */
function fallbackBody(operation: ContractOperation): Record<string, unknown> {
  const success = [...operation.responses.entries()].find(([status]) =>
    /^2/.test(status),
  )?.[1] as
    | { properties?: Record<string, { type?: string }>; required?: string[] }
    | undefined;
  const body: Record<string, unknown> = {};
  for (const name of success?.required ?? []) {
    if (success?.properties?.[name]?.type === 'array') body[name] = [];
  }
  return body;
}

/**
 * Seed 002's SDK, for any contract: `call(operationId, input)` never throws;
 * when the capability cannot answer it returns `degraded: true` in the
 * contract's shape as far as it can be built (the seed's `{ threads: [],
 * degraded: true }`), so callers show a degraded notice instead of an error.
 */
export class CapabilityClient {
  private readonly operations: Map<string, ContractOperation>;

  private constructor(private readonly options: CapabilityClientOptions) {
    this.operations = new Map(
      options.contract.operations.map(op => [op.operationId, op]),
    );
  }

  static create(options: CapabilityClientOptions): CapabilityClient {
    return new CapabilityClient(options);
  }

  async call<T = Record<string, any>>(
    operationId: string,
    input: CapabilityCallInput = {},
  ): Promise<CapabilityCallResult<T>> {
    const operation = this.operations.get(operationId);
    if (!operation) {
      throw new Error(`The contract has no operation ${operationId}`);
    }
    const degraded = (
      code: string,
      message: string,
      status = 0,
    ): CapabilityCallResult<T> => ({
      status,
      degraded: true,
      body: {
        ...fallbackBody(operation),
        degraded: true,
        error: { code, message },
      } as CapabilityCallResult<T>['body'],
    });
    let path = operation.path;
    for (const name of operation.pathParamNames) {
      const value = input.params?.[name];
      if (value === undefined)
        throw new Error(`${operationId} needs the path parameter ${name}`);
      path = path.replace(`{${name}}`, encodeURIComponent(value));
    }
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`);
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...input.headers,
    };
    if (this.options.tenantId && !operation.public)
      headers['X-Tenant-Id'] = this.options.tenantId;
    const token = await this.options.getAuthToken?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (input.body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    let text: string;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: operation.method,
        headers,
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      text = await response.text();
    } catch (error) {
      return degraded(
        'UNREACHABLE',
        `${operationId} got no answer: ${(error as Error).message}`,
      );
    }
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (
      !body ||
      typeof body !== 'object' ||
      typeof body.degraded !== 'boolean'
    ) {
      return degraded(
        'BAD_ANSWER',
        `${operationId} answered ${response.status} without a contract-shaped body`,
        response.status,
      );
    }
    return {
      status: response.status,
      body,
      degraded: body.degraded || response.status >= 500,
    };
  }
}
