import { InputError } from '@backstage/errors';
import type { ChangeKind } from '@internal/backstage-plugin-feature-flags-common';
import { parseInput } from '@internal/backstage-plugin-http-node';
import type { FlagSnapshot } from '../providers/FlagProvider';
import { reasonSchema } from './inputs';

/** Create and archive reach every environment of a flag, not one. */
const reachesEveryEnvironment = (kind: ChangeKind) =>
  kind === 'create' || kind === 'archive';

/**
 * The four-eyes rule. A change that reaches a protected environment is not
 * applied: it is stored, with its reason, as a change request for a second
 * admin. A toggle, a strategy or the variants reach the environment they
 * name; a create or an archive reaches every environment, so it needs a
 * second admin whenever any environment is protected.
 */
export class ProtectedEnvironments {
  private constructor(readonly names: string[]) {}

  static create(names: string[]) {
    return new ProtectedEnvironments(names);
  }

  isProtected(environment: string): boolean {
    return this.names.includes(environment);
  }

  needsApproval(kind: ChangeKind, environment?: string): boolean {
    if (reachesEveryEnvironment(kind)) return this.names.length > 0;
    return environment !== undefined && this.isProtected(environment);
  }

  /**
   * The protected environment a change waits on, undefined when it is
   * applied at once. For create and archive: the first protected environment
   * the provider has (the first configured one if it has none of them).
   */
  approvalTarget(
    kind: ChangeKind,
    environment: string | undefined,
    snapshot: FlagSnapshot,
  ): string | undefined {
    if (!this.needsApproval(kind, environment)) return undefined;
    if (!reachesEveryEnvironment(kind)) return environment;
    return (
      this.names.find(name =>
        snapshot.environments.some(e => e.name === name),
      ) ?? this.names[0]
    );
  }

  /**
   * The reason given with a change, checked (400 when blank or too long)
   * where the change needs a second admin; where it does not, a reason is
   * not asked for and one given is ignored.
   */
  checkedReason(
    kind: ChangeKind,
    environment: string | undefined,
    given: string | undefined,
  ): string | undefined {
    if (!this.needsApproval(kind, environment) || given === undefined)
      return undefined;
    const where = reachesEveryEnvironment(kind)
      ? 'the flag reaches a protected environment'
      : `${environment} is protected`;
    return parseInput(
      reasonSchema,
      given,
      `reason (${where}: the change needs a second admin)`,
    );
  }

  /** 400 for a change that waits on `target` and says no reason. */
  requireReason(target: string, reason: string | undefined): string {
    if (reason === undefined) {
      throw new InputError(
        `Invalid reason (${target} is protected: the change needs a second admin): a reason is required: say why this change is needed`,
      );
    }
    return reason;
  }
}
