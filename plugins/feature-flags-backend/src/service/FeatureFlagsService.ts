import type {
  ChangeKind,
  ChangeRequest,
  ChangeRequestStatus,
  ChangeResponse,
  EvaluationContextInput,
  EvaluationResult,
  FlagCapabilities,
  FlagListResponse,
  FlagResponse,
  FlagSearchDocument,
  FlagTag,
  FlagType,
  Strategy,
  StrategyInput,
  Variant,
} from '@internal/backstage-plugin-feature-flags-common';
import type { ClientFeaturesResponse } from 'unleash-client';
import type { Actor, FlagEnvRef, FlagRef } from '../providers/FlagProvider';

export interface FeatureFlagsSettings {
  /** Environments where a change waits for a second admin (`featureFlags.protectedEnvironments`). */
  protectedEnvironments: string[];
  /** Who is told about a pending change request (group or user refs): the admins. */
  approverRefs: string[];
  /** `featureFlags.ownersMayToggle`: owners of an entity naming a flag toggle it outside protected environments. */
  ownersMayToggle: boolean;
}

/** The signed-in person a request is for, as the router verified them. */
export interface Caller extends Actor {
  /** The user and their groups; read only when a rule needs them (owners' rights). */
  ownershipRefs(): Promise<string[]>;
}

/** The caller's permission decisions, as the router's permission checks gave them. */
export type GrantedActions = Pick<
  FlagCapabilities,
  'toggle' | 'create' | 'archive' | 'updateStrategy' | 'approve'
>;

export interface FlagListFilter {
  entityRef?: string;
  project?: string;
  /** Read the provider now instead of its cached copy. */
  fresh?: boolean;
}

/**
 * A change's own reason: required (and checked) where the change needs a
 * second admin, ignored where it is applied at once.
 */
export interface Reasoned {
  reason?: string;
}

export interface ToggleInput extends Reasoned {
  enabled: boolean;
}

export interface NewFlagInput extends Reasoned {
  description: string;
  type: FlagType;
  tags: FlagTag[];
}

export type StrategySaveInput = StrategyInput & Reasoned;

export interface VariantsInput extends Reasoned {
  variants: Variant[];
}

/**
 * The flags as the portal shows and changes them. Every change goes through
 * here and follows the service's rules: in a protected environment (and, for
 * create and archive, whenever any environment is protected) it becomes a
 * change request that another admin approves; elsewhere it is applied at once
 * and recorded in the flag's history. A change answers `applied`, `unchanged`
 * or `change-request`; unknown projects, flags, environments and strategies
 * are 404s that name them.
 */
export interface FeatureFlagsService {
  /** Where the flags live (`local` or `unleash`), for audit events. */
  readonly providerKind: 'local' | 'unleash';

  /** What the caller may do, for the UI: the router's permission decisions, the flags they may toggle as an owner, the protected environments. */
  capabilities(
    caller: Caller,
    granted: GrantedActions,
  ): Promise<FlagCapabilities>;
  list(filter: FlagListFilter): Promise<FlagListResponse>;
  getFlag(project: string, name: string): Promise<FlagResponse>;
  /** Every flag of every project as the search index holds it (the search collator's read). */
  searchDocuments(): Promise<FlagSearchDocument[]>;
  /** What unleash-client answers for this context (the flag's data in that environment). */
  evaluate(
    ref: FlagEnvRef,
    context: EvaluationContextInput,
  ): Promise<EvaluationResult>;
  /** Unleash's client API for one environment; 404 unless the flags are on the embedded provider. */
  clientFeatures(environment: string): Promise<ClientFeaturesResponse>;

  /** Whether a change of this kind waits for a second admin (for create and archive: whether any environment is protected). */
  needsApproval(kind: ChangeKind, environment?: string): boolean;
  /**
   * For a caller without the toggle permission: passes when owners may
   * toggle (`featureFlags.ownersMayToggle`), the environment is not
   * protected and the caller owns an entity that names the flag; 403 naming
   * who may toggle otherwise.
   */
  authorizeOwnerToggle(ref: FlagEnvRef, caller: Caller): Promise<void>;

  toggle(
    ref: FlagEnvRef,
    input: ToggleInput,
    actor: Actor,
  ): Promise<ChangeResponse>;
  /** 409 when the name is taken. */
  createFlag(
    ref: FlagRef,
    input: NewFlagInput,
    actor: Actor,
  ): Promise<ChangeResponse>;
  archiveFlag(
    ref: FlagRef,
    input: Reasoned,
    actor: Actor,
  ): Promise<ChangeResponse>;
  /** `strategyId` undefined adds a strategy; the saved strategy when applied. */
  saveStrategy(
    ref: FlagEnvRef,
    strategyId: string | undefined,
    input: StrategySaveInput,
    actor: Actor,
  ): Promise<ChangeResponse & { strategy?: Strategy }>;
  /** Replaces the environment's variants; the stored variants when applied. */
  setVariants(
    ref: FlagEnvRef,
    input: VariantsInput,
    actor: Actor,
  ): Promise<ChangeResponse & { variants?: Variant[] }>;

  listChangeRequests(status?: ChangeRequestStatus): Promise<ChangeRequest[]>;
  getChangeRequest(id: string): Promise<ChangeRequest>;
  /**
   * Another admin approves: exactly the stored change is applied if the flag
   * is still as it was when it was requested; otherwise the request is closed
   * as stale (a `StaleChangeRequestError`, 409) and nothing is applied. The
   * requester cannot approve their own request.
   */
  approve(id: string, actor: Actor, comment?: string): Promise<ChangeRequest>;
  /** Another admin refuses, saying why; the requester cancels instead. */
  reject(id: string, actor: Actor, comment: string): Promise<ChangeRequest>;
  /** Only the requester cancels. */
  cancel(id: string, actor: Actor): Promise<ChangeRequest>;
}
