import type {
  ProposedChange,
  Strategy,
  Variant,
} from '@internal/backstage-plugin-feature-flags-common';
import type { Actor, FlagProvider, FlagRef } from '../providers/FlagProvider';

/** What a change did: whether it changed anything, what the provider answered, and the line for the flag's history. */
export interface AppliedChange {
  changed: boolean;
  strategy?: Strategy;
  variants?: Variant[];
  history: { action: string; environment?: string; summary: string };
}

const onOff = (enabled: boolean) => (enabled ? 'on' : 'off');

function describeTargeting(strategy: {
  name?: string;
  parameters: Record<string, string>;
  constraints: Strategy['constraints'];
}) {
  const targeting = strategy.constraints
    .map(
      c => `${c.contextName} ${c.operator} [${c.value ?? c.values.join(', ')}]`,
    )
    .join(' and ');
  return `rollout ${strategy.parameters.rollout ?? '-'}%${
    targeting ? `, ${targeting}` : ''
  }`;
}

/**
 * Applies one change through the provider, exactly as given: the one place a
 * change takes effect, whether at once (a non-protected environment) or on a
 * second admin's approval of what was requested.
 */
export async function applyChange(
  provider: FlagProvider,
  ref: FlagRef,
  environment: string | undefined,
  change: ProposedChange,
  actor: Actor,
): Promise<AppliedChange> {
  const envRef = { ...ref, environment: environment ?? '' };
  switch (change.kind) {
    case 'toggle': {
      const changed = await provider.setEnabled(envRef, change.enabled, actor);
      return {
        changed,
        history: {
          action: change.enabled ? 'enabled' : 'disabled',
          environment,
          summary: `turned ${ref.flag} ${onOff(
            change.enabled,
          )} in ${environment}`,
        },
      };
    }
    case 'strategy': {
      const strategy = await provider.saveStrategy(
        envRef,
        change.strategyId,
        change.strategy,
        actor,
      );
      return {
        changed: true,
        strategy,
        history: {
          action: 'strategy-updated',
          environment,
          summary: `${change.strategyId ? 'changed' : 'added'} ${
            strategy.name
          } in ${environment}: ${describeTargeting(change.strategy)}`,
        },
      };
    }
    case 'variants': {
      const variants = await provider.setVariants(
        envRef,
        change.variants,
        actor,
      );
      return {
        changed: true,
        variants,
        history: {
          action: 'variants-updated',
          environment,
          summary: `set the variants in ${environment} to ${
            variants.map(v => `${v.name} ${v.weight / 10}%`).join(', ') ||
            'none'
          }`,
        },
      };
    }
    case 'create':
      await provider.createFlag(
        { project: ref.project, name: ref.flag, ...change.flag },
        actor,
      );
      return {
        changed: true,
        history: {
          action: 'created',
          summary: `created ${ref.flag} (${change.flag.type})`,
        },
      };
    case 'archive':
      await provider.archiveFlag(ref, actor);
      return {
        changed: true,
        history: { action: 'archived', summary: `archived ${ref.flag}` },
      };
    default:
      throw new Error(`Unknown change ${(change as { kind: string }).kind}`);
  }
}
