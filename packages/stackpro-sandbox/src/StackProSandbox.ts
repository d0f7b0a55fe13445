import { once } from 'node:events';
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import express from 'express';
import {
  BreakerOptions,
  CapabilityRuntime,
  CloudWatchMetricsPublisher,
  Faults,
  FlagSource,
  JsonLineLogger,
  MetricsRecorder,
  RuntimeLogger,
  loadContract,
} from '@internal/stackpro-runtime';
import { createAdminRouter } from './adminRouter';
import { SANDBOX_CAPABILITIES } from './capabilities';

/** This repository's contracts, the ones the catalog's API entities point at. */
export const DEFAULT_CONTRACTS_DIRECTORY = resolvePackagePath(
  '@internal/stackpro-sandbox',
  '../../catalog/stackpro/contracts',
);

export interface StackProSandboxOptions {
  /** Interface to listen on. Default: 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 picks a free one (tests). Default: 7090. */
  port?: number;
  /** Capabilities to serve. Default: all four. */
  capabilities?: string[];
  /** Folder of `<capability>/v1.yaml`. Default: catalog/stackpro/contracts. */
  contractsDirectory?: string;
  /** Where the flags are read (shared by the capabilities, as one process's unleash-client). */
  flags: FlagSource;
  /** Bearer token of the fault knob's admin routes; without it they answer 404. */
  adminToken?: string;
  /** Faults in force from the start. */
  faults?: Record<string, Partial<Faults>>;
  /** Collects the five metrics; a publisher sends them to CloudWatch. */
  metrics?: {
    recorder: MetricsRecorder;
    publisher?: CloudWatchMetricsPublisher;
  };
  breaker?: BreakerOptions;
  /** Operator messages. Default: JSON lines on stdout. */
  logger?: RuntimeLogger;
  /** Seed 002's line per request. Default: JSON lines on stdout. */
  requestLog?: JsonLineLogger;
}

/**
 * The local StackPro sandbox: the four capabilities of seed 002, each under
 * `/<capability>` of one HTTP server (so its base URL is
 * `http://127.0.0.1:7090/messaging`), plus the fault knob under `/admin`.
 */
export class StackProSandbox {
  private constructor(
    private readonly server: Server,
    private readonly runtimes: Map<string, CapabilityRuntime>,
    private readonly options: StackProSandboxOptions,
    /** Where the sandbox is reached, e.g. http://127.0.0.1:7090. */
    readonly baseUrl: string,
  ) {}

  static async start(
    options: StackProSandboxOptions,
  ): Promise<StackProSandbox> {
    const names = options.capabilities ?? Object.keys(SANDBOX_CAPABILITIES);
    const contracts = options.contractsDirectory ?? DEFAULT_CONTRACTS_DIRECTORY;
    const requestLog = options.requestLog ?? JsonLineLogger.create();
    const logger = options.logger ?? requestLog;
    const runtimes = new Map<string, CapabilityRuntime>();
    for (const name of names) {
      const capability = SANDBOX_CAPABILITIES[name];
      if (!capability) {
        throw new Error(
          `The sandbox has no capability ${name}; it serves ${Object.keys(
            SANDBOX_CAPABILITIES,
          ).join(', ')}`,
        );
      }
      runtimes.set(
        name,
        CapabilityRuntime.create({
          capability: name,
          contract: loadContract(resolvePath(contracts, name, 'v1.yaml')),
          handlers: capability.handlers(),
          dependencies: capability.dependencies,
          flags: options.flags,
          faults: options.faults?.[name],
          breaker: options.breaker,
          metrics: options.metrics?.recorder,
          requestLog,
          logger,
        }),
      );
    }

    const app = express();
    app.disable('x-powered-by');
    app.use(
      '/admin',
      createAdminRouter({ runtimes, adminToken: options.adminToken, logger }),
    );
    for (const [name, runtime] of runtimes) {
      app.use(`/${name}`, runtime.router());
    }
    app.get('/', (_req, res) => {
      res.json({
        capabilities: [...runtimes.keys()].map(name => ({
          name,
          baseUrl: `/${name}`,
          health: `/${name}/v1/health`,
        })),
      });
    });
    app.use((req, res) => {
      res.status(404).json({
        error: {
          code: 'NOT_FOUND',
          message: `No capability at ${req.path}; the sandbox serves /${[
            ...runtimes.keys(),
          ].join(', /')}`,
        },
        degraded: false,
      });
    });

    const host = options.host ?? '127.0.0.1';
    const server = app.listen(options.port ?? 7090, host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    options.metrics?.publisher?.start();
    return new StackProSandbox(
      server,
      runtimes,
      options,
      `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`,
    );
  }

  /** The base URL of a capability: what `resolveCapabilityUrl` gives for it locally. */
  url(capability: string): string {
    this.runtime(capability);
    return `${this.baseUrl}/${capability}`;
  }

  capabilities(): string[] {
    return [...this.runtimes.keys()];
  }

  runtime(capability: string): CapabilityRuntime {
    const runtime = this.runtimes.get(capability);
    if (!runtime) throw new Error(`The sandbox does not serve ${capability}`);
    return runtime;
  }

  /** The fault knob, in process: `setFaults('messaging', { errorRate: 0.05 })`. */
  setFaults(capability: string, change: Partial<Faults>): Faults {
    return this.runtime(capability).faults.set(
      change as Record<string, unknown>,
    );
  }

  resetFaults(capability: string): Faults {
    return this.runtime(capability).faults.reset();
  }

  /** Stops listening, sends the last metrics (unless told not to) and closes the flag client. */
  async stop(options: { flushMetrics?: boolean } = {}): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
    await this.options.metrics?.publisher?.stop({
      flush: options.flushMetrics,
    });
    await this.options.flags.close();
  }
}
