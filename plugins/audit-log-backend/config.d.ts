export interface Config {
  auditLog?: {
    /** Days an audit event is kept; older ones are purged with a chain checkpoint. Default 365. */
    retentionDays?: number;
    /** Also store low-severity events (reads). Default false: they are only logged. */
    storeLowSeverity?: boolean;
    export?: {
      /**
       * The Ed25519 private key (PKCS#8 PEM) that signs export manifests.
       * @visibility secret
       */
      signingKey?: string;
      /**
       * Where the key is kept when signingKey is not set; generated on first
       * start. The embedded default uses data/audit-log/export-signing-key.pem.
       */
      signingKeyFile?: string;
    };
    /** Audit reports for auditors (docs/audit-reports.md). */
    reports?: {
      /**
       * Frameworks by id; each replaces the default of the same id (soc2,
       * gdpr, hipaa) or adds one. Each control names the report kinds that
       * evidence it: access-review, privileged-activity, change-management,
       * data-subject-requests, security-events, integrity.
       */
      frameworks?: {
        [id: string]: {
          title?: string;
          controls: Array<{ id: string; title: string; kinds: string[] }>;
        };
      };
      /**
       * Reports the scheduler produces for the month or quarter that just
       * ended. Default: soc2 every quarter, gdpr every month.
       */
      schedules?: Array<{ framework: string; every: 'month' | 'quarter' }>;
    };
  };
}
