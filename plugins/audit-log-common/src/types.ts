import type { JsonObject } from '@backstage/types';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const OUTCOMES = ['initiated', 'succeeded', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Who did something: a person (by entity ref), a service, or nobody signed in. */
export interface AuditActor {
  type: 'user' | 'service' | 'none';
  /** `user:default/eli.martin` or the service's subject (`plugin:catalog`). */
  ref?: string;
  /** The pseudonym a person's identity is stored under. */
  subjectId?: string;
  /** True once the person's identity was erased (GDPR); `ref` is then absent. */
  erased?: boolean;
}

/** One stored audit event, as the API answers it. */
export interface AuditEvent {
  /** ULID */
  id: string;
  /** Position in the hash chain, from 1. */
  seq: number;
  /** UTC, ISO 8601 with milliseconds. */
  timestamp: string;
  actor: AuditActor;
  /** The real person behind an impersonation, when there was one. */
  realActor?: AuditActor;
  ip?: string;
  userAgent?: string;
  plugin: string;
  /** The auditor's eventId, e.g. `entity-delete`. */
  action: string;
  severity: Severity;
  /** Entity ref or resource id the event is about, when known. */
  target?: string;
  outcome: Outcome;
  /** The error of a failed event. */
  error?: string;
  request?: { method: string; path: string };
  /** Secrets and tokens redacted. */
  meta?: JsonObject;
  /** True when meta was too large or not serialisable and was cut. */
  metaTruncated: boolean;
  /** The id of the `initiated` event this one completes (itself for `initiated`). */
  correlationId: string;
  prevHash: string;
  hash: string;
}

/** Filters shared by the query, stats and export routes. */
export interface AuditEventFilter {
  /** Entity ref of the person or service who acted (either actor). */
  actor?: string;
  action?: string[];
  plugin?: string[];
  severity?: Severity[];
  /**
   * Entity ref or resource id; several match any of them (an entity's page
   * asks for its ref and its uid, which the catalog's own events name).
   */
  target?: string | string[];
  outcome?: Outcome[];
  /** ISO timestamp, inclusive. */
  from?: string;
  /** ISO timestamp, exclusive. */
  to?: string;
  /** Free text over meta, action, target and error. */
  q?: string;
}

/** `GET /events` */
export interface AuditEventPage {
  items: AuditEvent[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** `GET /verify` */
export interface ChainVerification {
  ok: boolean;
  /** Number of events checked. */
  checked: number;
  /** The range checked. */
  fromSeq?: number;
  toSeq?: number;
  /** The last event whose hash verified, when any did. */
  verifiedUpTo?: { seq: number; timestamp: string };
  /** The first event that does not verify, and why. */
  brokenAt?: { seq: number; id: string; reason: string };
  /** When the check ran. */
  checkedAt: string;
  durationMs: number;
}

/** `GET /stats/daily`: events per UTC day by severity. */
export interface DailyActivity {
  days: Array<{ day: string } & Record<Severity, number>>;
}

/** `GET /exports/:id/manifest`: what an auditor checks an export against. */
export interface ExportManifest {
  exportId: string;
  format: ExportFormat;
  fileName: string;
  filters: AuditEventFilter;
  rowCount: number;
  firstSeq?: number;
  lastSeq?: number;
  /** Hex SHA-256 of the exported file's bytes. */
  sha256: string;
  createdAt: string;
  createdBy: string;
  /** Always Ed25519. */
  algorithm: 'Ed25519';
  /** SPKI PEM of the signing key. */
  publicKeyPem: string;
  /** Hex SHA-256 of the public key's DER, to compare with the one in the docs and UI. */
  publicKeyFingerprint: string;
  /**
   * Base64 Ed25519 signature over the canonical JSON of this manifest
   * without the `signature` field.
   */
  signature: string;
}

/** `GET /public-key` */
export interface AuditSigningKey {
  algorithm: 'Ed25519';
  publicKeyPem: string;
  fingerprint: string;
}
