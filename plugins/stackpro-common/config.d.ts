export interface Config {
  /**
   * StackPro's capabilities: where each one is found per environment, and the
   * local sandbox that serves them on the embedded default
   * (docs/stackpro-sandbox.md).
   */
  stackpro?: {
    /**
     * The environment this portal watches: the one whose base URLs the health
     * probes and the discovery API use. Default: `local`.
     */
    environment?: string;
    /**
     * Base URL of a capability that has none for an environment and that the
     * local sandbox does not serve; `{capability}` is replaced by its name,
     * e.g. `https://api.stackpro.example/{capability}` (the seed's "main API").
     */
    fallbackBaseUrl?: string;
    /** Capabilities by name (`messaging`, `datalake`, `ai`, `billing`, ...). */
    capabilities?: {
      [name: string]: {
        /**
         * Base URL per environment: the URL the contract's paths (`/v1/health`,
         * `/v1/threads`, ...) are appended to. It may end in a path prefix.
         */
        baseUrl?: { [environment: string]: string };
      };
    };
    /** The local StackPro sandbox that `./portal start` starts beside the backend. */
    sandbox?: {
      /** Serve the capabilities locally. Default: false; the embedded default turns it on. */
      enabled?: boolean;
      /** Interface the sandbox listens on. Default: 127.0.0.1. */
      host?: string;
      /** Port the sandbox listens on; each capability is under /<capability>. Default: 7090. */
      port?: number;
      /** URL at which others reach the sandbox. Default: http://127.0.0.1:<port>. */
      baseUrl?: string;
      /** Capabilities the sandbox serves. Default: messaging, datalake, ai, billing. */
      capabilities?: string[];
      /** Folder of the contracts (`<capability>/v1.yaml`). Default: catalog/stackpro/contracts of this repository. */
      contractsDirectory?: string;
      /**
       * Bearer token of the sandbox's fault knob (`/admin/...`). Without one the
       * admin routes answer 404.
       * @visibility secret
       */
      adminToken?: string;
      /** Faults in force from the start, per capability (the fault knob changes them later). */
      faults?: {
        [capability: string]: {
          /** Milliseconds added to every answer. */
          latencyMs?: number;
          /** Up to this many milliseconds more, at random. */
          latencyJitterMs?: number;
          /** Share of answers (0 to 1) that fail with a 5xx. */
          errorRate?: number;
          /** Dependencies to take down, e.g. `[store]`. */
          downDependencies?: string[];
        };
      };
      /** Where the sandbox's unleash-client reads CAP_<X>_ENABLED, _VERSION and _DEGRADED. */
      flags?: {
        /**
         * Unleash client API URL. Default: the portal's own
         * (<backend.baseUrl>/api/feature-flags/); a real Unleash is
         * https://unleash.example.com/api/.
         */
        url?: string;
        /**
         * Client token. Default: the featureFlags.clientTokens token of `environment`.
         * @visibility secret
         */
        token?: string;
        /** Flag environment whose client token is used by default. Default: development. */
        environment?: string;
        /** How often the flags are fetched, in milliseconds. Default: 5000. */
        refreshIntervalMs?: number;
      };
      /** The observability middleware's CloudWatch metrics (namespace stackpro.capability). */
      metrics?: {
        /** Seconds between two PutMetricData batches. Default: 60. */
        flushIntervalSeconds?: number;
        /** Without it, nothing is published (said once in the log). */
        cloudwatch?: {
          /** AWS region. Default: us-west-2. */
          region?: string;
          /** A CloudWatch-compatible endpoint, such as a local moto_server. Default: AWS's own. */
          endpoint?: string;
          /**
           * Start `moto_server` on the endpoint's port when it is on the PATH and
           * nothing answers there yet (the embedded default).
           */
          startMoto?: boolean;
        };
      };
    };
  };
}
