import type {
  ChangeDiffEntry,
  Constraint,
  FlagEnvironment,
  ProposedChange,
  Strategy,
  StrategyInput,
  Variant,
} from '@internal/backstage-plugin-feature-flags-common';
import { createHash } from 'node:crypto';
import type { FlagRef, ProviderFlag } from '../providers/FlagProvider';

/**
 * What a change to a flag does, before it is done: its diff, its one-line
 * summary, and the fingerprint of the state it changes. A change request
 * stores all three; approval compares the fingerprint with the state of that
 * moment, so an approver never applies a diff that no longer holds.
 */

/** The fingerprint of a flag that does not exist (what a create expects). */
export const ABSENT = 'absent';

const sha256 = (value: unknown) =>
  createHash('sha256').update(canonical(value)).digest('hex');

/** JSON with sorted keys and no undefined members: equal states give equal text whatever the provider's key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const normalConstraint = (c: Constraint) => ({
  contextName: c.contextName,
  operator: c.operator,
  values: c.values ?? [],
  value: c.value || undefined,
  inverted: Boolean(c.inverted),
  caseInsensitive: Boolean(c.caseInsensitive),
});

const normalVariant = (v: Variant) => ({
  name: v.name,
  weight: v.weight,
  weightType: v.weightType,
  stickiness: v.stickiness,
  payload: v.payload
    ? { type: v.payload.type, value: v.payload.value }
    : undefined,
});

const normalStrategy = (s: Strategy) => ({
  id: s.id,
  name: s.name,
  title: s.title || undefined,
  disabled: Boolean(s.disabled),
  parameters: s.parameters ?? {},
  constraints: (s.constraints ?? []).map(normalConstraint),
  variants: (s.variants ?? []).map(normalVariant),
});

const normalEnvironment = (env?: FlagEnvironment) =>
  env
    ? {
        enabled: env.enabled,
        strategies: env.strategies.map(normalStrategy),
        variants: env.variants.map(normalVariant),
      }
    : ABSENT;

/**
 * The fingerprint of the state a change reaches: the environment's state
 * (on/off, strategies, variants) for toggles, targeting and variants; the
 * flag's behaviour in every environment for create and archive. Tags are left
 * out: the portal's own `changed-by` tag is not a change to the flag.
 */
export function fingerprintOf(
  change: ProposedChange,
  flag: ProviderFlag | undefined,
  environment: string,
): string {
  if (!flag) return ABSENT;
  if (change.kind === 'create' || change.kind === 'archive') {
    return sha256({
      type: flag.type,
      environments: flag.environments.map(e => ({
        name: e.name,
        state: normalEnvironment(e),
      })),
    });
  }
  return sha256(
    normalEnvironment(flag.environments.find(e => e.name === environment)),
  );
}

const onOff = (enabled: boolean) => (enabled ? 'on' : 'off');

function describeConstraint(c: Constraint) {
  return `${c.contextName} ${c.inverted ? 'NOT ' : ''}${c.operator} [${
    c.value ?? c.values.join(', ')
  }]`;
}

/** A strategy as named fields, so that its diff lists only what differs. */
export function strategyFields(
  s: StrategyInput | undefined,
): Record<string, string> {
  if (!s) return {};
  const name = s.name ?? 'flexibleRollout';
  const fields: Record<string, string> = { strategy: name };
  if (s.title) fields.title = s.title;
  if (s.disabled) fields.disabled = 'yes';
  const { rollout, ...parameters } = s.parameters;
  if (rollout !== undefined) fields.rollout = `${rollout}%`;
  for (const [key, value] of Object.entries(parameters).sort())
    fields[`parameter ${key}`] = value;
  const tenants = s.constraints.filter(
    c => c.contextName === 'tenantId' && c.operator === 'IN' && !c.inverted,
  );
  if (tenants.length)
    fields.tenants = tenants.flatMap(c => c.values).join(', ');
  const others = s.constraints.filter(c => !tenants.includes(c));
  if (others.length)
    fields.constraints = others.map(describeConstraint).join(' and ');
  return fields;
}

function describeVariant(v: Variant) {
  const payload = v.payload
    ? `, payload ${v.payload.type} ${v.payload.value}`
    : '';
  return `${v.weight / 10}% (${v.weightType}), sticky on ${
    v.stickiness
  }${payload}`;
}

function variantFields(variants: Variant[]): Record<string, string> {
  return Object.fromEntries(
    variants.map(v => [`variant ${v.name}`, describeVariant(v)]),
  );
}

/** Both sides as named fields, listed where they differ (fields of `after` first, in their order). */
function diffFields(
  before: Record<string, string>,
  after: Record<string, string>,
  prefix = '',
): ChangeDiffEntry[] {
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  return keys
    .filter(k => before[k] !== after[k])
    .map(k => ({ field: `${prefix}${k}`, before: before[k], after: after[k] }));
}

/** The state of one strategy after the change, as the provider will store it. */
export function strategyAfter(
  existing: Strategy | undefined,
  input: StrategyInput,
): StrategyInput {
  return {
    name: existing?.name ?? input.name ?? 'flexibleRollout',
    title: input.title ?? existing?.title,
    disabled: input.disabled ?? existing?.disabled ?? false,
    parameters: input.parameters,
    constraints: input.constraints,
  };
}

/**
 * What the change does to the flag as it is now: empty when it changes
 * nothing. `strategy` needs the strategy it replaces (undefined for a new one).
 */
export function diffOf(
  change: ProposedChange,
  flag: ProviderFlag | undefined,
  environment: string,
): ChangeDiffEntry[] {
  const env = flag?.environments.find(e => e.name === environment);
  switch (change.kind) {
    case 'toggle':
      return env?.enabled === change.enabled
        ? []
        : [
            {
              field: 'enabled',
              before: env ? onOff(env.enabled) : undefined,
              after: onOff(change.enabled),
            },
          ];
    case 'strategy': {
      const existing = change.strategyId
        ? env?.strategies.find(s => s.id === change.strategyId)
        : undefined;
      const prefix = change.strategyId ? '' : 'new strategy: ';
      return diffFields(
        strategyFields(existing),
        strategyFields(strategyAfter(existing, change.strategy)),
        prefix,
      );
    }
    case 'variants':
      return diffFields(
        variantFields(env?.variants ?? []),
        variantFields(change.variants),
      );
    case 'create':
      return [
        { field: 'flag', after: 'created' },
        { field: 'type', after: change.flag.type },
        ...(change.flag.description
          ? [{ field: 'description', after: change.flag.description }]
          : []),
        ...(change.flag.tags.length
          ? [
              {
                field: 'tags',
                after: change.flag.tags
                  .map(t => `${t.type}: ${t.value}`)
                  .join(', '),
              },
            ]
          : []),
        { field: 'every environment', after: 'off' },
      ];
    case 'archive':
      return [
        { field: 'flag', before: 'live', after: 'archived' },
        ...(flag?.environments ?? []).map(e => ({
          field: e.name,
          before: `${onOff(e.enabled)}${
            e.strategies.length ? `, ${e.strategies.length} strategies` : ''
          }`,
          after: 'gone',
        })),
      ];
    default:
      return [];
  }
}

/** One line for lists, notifications and the flag's history. */
export function summaryOf(
  change: ProposedChange,
  ref: FlagRef,
  environment: string,
  diff: ChangeDiffEntry[],
): string {
  switch (change.kind) {
    case 'toggle':
      return `${ref.flag} ${onOff(change.enabled)} in ${environment}`;
    case 'create':
      return `create ${ref.flag} (${change.flag.type}) in project ${ref.project}`;
    case 'archive':
      return `archive ${ref.flag}`;
    default: {
      const what = diff
        .map(d => `${d.field} ${d.before ?? '-'} to ${d.after ?? '-'}`)
        .join('; ');
      return `${ref.flag} in ${environment}: ${what}`;
    }
  }
}
