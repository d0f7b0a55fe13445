/**
 * The shapes the feature-flags API speaks. They follow Unleash's own model
 * (projects, environments, flags, strategies with constraints, variants) so
 * that both providers, and `unleash-client`, read them without translation.
 */

/** The operators Unleash accepts in a strategy constraint. */
export const CONSTRAINT_OPERATORS = [
  'IN',
  'NOT_IN',
  'STR_ENDS_WITH',
  'STR_STARTS_WITH',
  'STR_CONTAINS',
  'NUM_EQ',
  'NUM_GT',
  'NUM_GTE',
  'NUM_LT',
  'NUM_LTE',
  'DATE_AFTER',
  'DATE_BEFORE',
  'SEMVER_EQ',
  'SEMVER_GT',
  'SEMVER_LT',
] as const;
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

/** Flag types Unleash knows; they decide when a flag counts as potentially stale. */
export const FLAG_TYPES = [
  'release',
  'experiment',
  'operational',
  'kill-switch',
  'permission',
] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

export interface Constraint {
  contextName: string;
  operator: ConstraintOperator;
  values: string[];
  /** Single-value operators (NUM_*, DATE_*, SEMVER_*) use `value`. */
  value?: string;
  inverted: boolean;
  caseInsensitive: boolean;
}

export interface VariantPayload {
  type: 'string' | 'json' | 'csv' | 'number';
  value: string;
}

export interface Variant {
  name: string;
  /** Out of 1000, as in Unleash. */
  weight: number;
  weightType: 'variable' | 'fix';
  stickiness: string;
  payload?: VariantPayload;
}

export interface Strategy {
  id: string;
  name: string;
  title?: string;
  disabled: boolean;
  parameters: Record<string, string>;
  constraints: Constraint[];
  variants: Variant[];
}

export interface FlagEnvironment {
  name: string;
  enabled: boolean;
  strategies: Strategy[];
  variants: Variant[];
}

export interface FlagTag {
  type: string;
  value: string;
}

/** Who last changed a flag through the portal, and how. */
export interface FlagChange {
  flag: string;
  project: string;
  environment?: string;
  action: string;
  actor: string;
  at: string;
  summary: string;
}

/** The catalog entities that name a flag in their annotations. */
export interface FlagOwnerEntity {
  entityRef: string;
  title?: string;
  owner?: string;
  stack?: string;
  type?: string;
}

export interface Flag {
  name: string;
  project: string;
  description: string;
  type: string;
  stale: boolean;
  /**
   * Unleash's judgement that the flag has outlived its type's expected
   * lifetime (a release or experiment flag after 40 days, an operational one
   * after 7): a candidate for removal, not yet marked stale by anyone.
   */
  potentiallyStale?: boolean;
  /** Unleash's lifecycle stage (initial, pre-live, live, completed, archived) when it tells us. */
  lifecycle?: string;
  createdAt?: string;
  tags: FlagTag[];
  environments: FlagEnvironment[];
  lastChange?: FlagChange;
  entities: FlagOwnerEntity[];
}

export interface Environment {
  name: string;
  type: string;
  protected: boolean;
}

export interface Project {
  id: string;
  name: string;
}

/** Every read answers with the data and whether it is the last good copy. */
export interface Freshness {
  provider: 'local' | 'unleash';
  degraded: boolean;
  /** Milliseconds since the data was read from its source. */
  ageMs: number;
  /** Why the data is not fresh, for the banner. */
  reason?: string;
}

export interface FlagListResponse extends Freshness {
  flags: Flag[];
  environments: Environment[];
  projects: Project[];
}

export interface FlagResponse extends Freshness {
  flag: Flag;
  environments: Environment[];
}

/**
 * `stale`: the flag changed between the request and its approval, so what was
 * approved no longer describes what would change; it must be requested again.
 */
export type ChangeRequestStatus =
  | 'pending'
  | 'applying'
  | 'applied'
  | 'rejected'
  | 'cancelled'
  | 'stale';

export const CHANGE_REQUEST_STATUSES: ReadonlyArray<ChangeRequestStatus> = [
  'pending',
  'applying',
  'applied',
  'rejected',
  'cancelled',
  'stale',
];

/** A strategy's editable part: rollout and constraints (tenant targeting). */
export interface StrategyInput {
  name?: string;
  title?: string;
  disabled?: boolean;
  parameters: Record<string, string>;
  constraints: Constraint[];
}

/**
 * Exactly what a change does, as stored in a change request and applied on
 * approval: nothing is recomputed from the request's form at that time.
 */
export type ProposedChange =
  | { kind: 'toggle'; enabled: boolean }
  /** `strategyId` undefined adds a strategy. */
  | { kind: 'strategy'; strategyId?: string; strategy: StrategyInput }
  | { kind: 'variants'; variants: Variant[] }
  | {
      kind: 'create';
      flag: { description: string; type: FlagType; tags: FlagTag[] };
    }
  | { kind: 'archive' };

export type ChangeKind = ProposedChange['kind'];

/** One line of a change request's diff: a field before and after (undefined: absent). */
export interface ChangeDiffEntry {
  field: string;
  before?: string;
  after?: string;
}

export interface ChangeRequest {
  id: string;
  project: string;
  flag: string;
  /** The protected environment the change reaches (for create and archive: the first protected one). */
  environment: string;
  kind: ChangeKind;
  change: ProposedChange;
  /** What will change, computed when it was requested; approval applies exactly `change`. */
  diff: ChangeDiffEntry[];
  /** One line for lists and notifications ("CAP_X rollout 100% to 25% in production"). */
  summary: string;
  /** For toggles: the state asked for. */
  enabled?: boolean;
  reason: string;
  status: ChangeRequestStatus;
  requestedBy: string;
  requestedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  error?: string;
}

export interface ToggleResponse {
  /** `applied`: the environment now has the state asked for; `change-request`: it waits for a second admin. */
  outcome: 'applied' | 'unchanged' | 'change-request';
  changeRequest?: ChangeRequest;
}

/** The answer of every change route: applied at once, or a change request (HTTP 202) for a protected environment. */
export type ChangeResponse = ToggleResponse;

export interface EvaluationContextInput {
  userId?: string;
  tenantId?: string;
  sessionId?: string;
  remoteAddress?: string;
  properties?: Record<string, string>;
}

export interface EvaluationResult extends Freshness {
  flag: string;
  environment: string;
  context: EvaluationContextInput;
  isEnabled: boolean;
  variant: {
    name: string;
    enabled: boolean;
    featureEnabled: boolean;
    payload?: VariantPayload;
  };
}

/** What the caller may do, so the UI hides the rest. The server checks again on every call. */
export interface FlagCapabilities {
  toggle: boolean;
  create: boolean;
  archive: boolean;
  updateStrategy: boolean;
  approve: boolean;
  /** Environments the caller may toggle as an owner of an entity naming the flag (config `featureFlags.ownersMayToggle`). */
  ownerToggleFlags?: string[];
  protectedEnvironments: string[];
  userEntityRef: string;
}

/** The search index's document type of flags (`search-documents`, the search page's "Flags"). */
export const FEATURE_FLAG_SEARCH_TYPE = 'feature-flag';

/** A flag as the search index holds it; `location` opens the flag's dialog on the Flags page. */
export interface FlagSearchDocument {
  /** The flag's name, `CAP_MESSAGING_ENABLED`. */
  title: string;
  /** Description, type, where it is on, the entities that name it, their stacks and the flag's tags. */
  text: string;
  location: string;
  project: string;
  name: string;
  flagType: string;
  stale: boolean;
  /** The environments where the flag is on. */
  enabledIn: string[];
  /** The catalog entities that name the flag, and their stacks (`stackportal.io/stack`). */
  entityRefs: string[];
  stacks: string[];
}

/** The Flags page's address with a flag's dialog open (`?flag=<project>/<name>`). */
export const flagPageLocation = (project: string, name: string) =>
  `/feature-flags?flag=${encodeURIComponent(`${project}/${name}`)}`;
