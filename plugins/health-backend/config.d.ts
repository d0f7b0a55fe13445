import { HumanDuration } from '@backstage/types';

export interface Config {
  health?: {
    /**
     * The portal's default objectives (an entity's `stackportal.io/slo-*`
     * annotations override them). Default: StackPro's 99.9 %, 200 ms, 1 %.
     * @visibility frontend
     */
    objectives?: {
      /** @visibility frontend */
      availabilityPercent?: number;
      /** @visibility frontend */
      latencyP95Ms?: number;
      /** @visibility frontend */
      degradedPercent?: number;
    };
    probes?: {
      /** Time between two probes of an endpoint (ISO 8601 or a duration object). Default 30 seconds. */
      interval?: HumanDuration | string;
      /**
       * Failures within this long after the backend starts, or after an
       * endpoint first appears in the catalog, are shown as the latest result
       * but not counted: no incident, no notification, nothing against the
       * SLO or the error budget (the portal and what it probes often start
       * together). ISO 8601 or a duration object. Default 2 minutes; 0 turns it off.
       */
      startupGrace?: HumanDuration | string;
      /** A probe, redirects included, gives up after this many milliseconds. Default 5000. */
      timeoutMs?: number;
      /** Probes in flight at once. Default 32. */
      concurrency?: number;
      /** Each probe starts after a random delay of up to this many milliseconds. Default: a tenth of the interval, at most 3000. */
      jitterMs?: number;
      /** The most bytes of an answer read. Default 65536. */
      maxBodyBytes?: number;
      /** Redirects followed (each one checked again). Default 3. */
      maxRedirects?: number;
      /**
       * When set, only these hosts are probed (exact names or `*.example.com`).
       * Link-local and cloud metadata addresses are refused whatever this says.
       */
      allowedHosts?: string[];
    };
    /** Consecutive down probes that open an incident (default 2) and answers that close it (default 2). */
    incidents?: { openAfter?: number; closeAfter?: number };
    /** How long data is kept, in days. Defaults: raw 2, minutes 2, hours 32, days 400. */
    retentionDays?: {
      raw?: number;
      minutes?: number;
      hours?: number;
      days?: number;
    };
  };
}
