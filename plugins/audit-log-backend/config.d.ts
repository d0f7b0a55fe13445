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
  };
}
