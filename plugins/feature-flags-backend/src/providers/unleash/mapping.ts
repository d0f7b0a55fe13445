import type {
  Constraint,
  FlagTag,
  Strategy,
  Variant,
} from '@internal/backstage-plugin-feature-flags-common';
import type { ProviderEnvironment, ProviderFlag } from '../FlagProvider';

/** The Unleash tag type under which the portal writes who made a change. */
export const CHANGED_BY_TAG_TYPE = 'changed-by';
/** Unleash wants a tag value of 2 to 50 characters. */
const TAG_VALUE_MIN = 2;
const TAG_VALUE_MAX = 50;

export interface UnleashStrategy {
  id: string;
  name: string;
  title?: string | null;
  disabled?: boolean | null;
  parameters?: Record<string, string>;
  constraints?: Array<
    Partial<Constraint> & { contextName: string; operator: string }
  >;
  variants?: Variant[];
}

/** One environment's answer of `POST /api/admin/features-batch/export`. */
export interface UnleashExport {
  features: Array<{
    name: string;
    description?: string;
    type: string;
    project: string;
    stale: boolean;
    createdAt?: string;
  }>;
  featureStrategies: Array<UnleashStrategy & { featureName: string }>;
  featureEnvironments: Array<{
    featureName: string;
    environment: string;
    enabled: boolean;
    variants?: Variant[];
  }>;
  featureTags: Array<{
    featureName: string;
    tagType: string;
    tagValue: string;
  }>;
}

/** What Unleash's feature search says of the flags (read apart, more slowly). */
export interface SearchMarks {
  potentiallyStale: Set<string>;
  completed: Set<string>;
}

/** The flags as Unleash holds them, without the search's marks. */
export interface FlagsData {
  projects: Array<{ id: string; name: string }>;
  environments: ProviderEnvironment[];
  flags: ProviderFlag[];
  /** The replicas' shared change stamp this copy has seen (see `ChangeStamp`). */
  stamp?: string;
}

export function toStrategy(s: UnleashStrategy): Strategy {
  return {
    id: s.id,
    name: s.name,
    title: s.title ?? undefined,
    disabled: Boolean(s.disabled),
    parameters: s.parameters ?? {},
    constraints: (s.constraints ?? []).map(c => ({
      contextName: c.contextName,
      operator: c.operator as Constraint['operator'],
      values: c.values ?? [],
      value: c.value,
      inverted: Boolean(c.inverted),
      caseInsensitive: Boolean(c.caseInsensitive),
    })),
    variants: s.variants ?? [],
  };
}

function groupBy<T, V>(items: T[], key: (t: T) => string, value: (t: T) => V) {
  const map = new Map<string, V[]>();
  for (const item of items) {
    const list = map.get(key(item)) ?? [];
    list.push(value(item));
    map.set(key(item), list);
  }
  return map;
}

/**
 * The flags of one export per environment. (A refresh runs on the event loop
 * every few seconds: nothing here may grow with flags times tags.)
 */
export function flagsFromExports(
  environments: ProviderEnvironment[],
  exports: Array<{ environment: string; data: UnleashExport }>,
): ProviderFlag[] {
  const flags = new Map<string, ProviderFlag>();
  for (const { data } of exports) {
    const tagsByFlag = groupBy<UnleashExport['featureTags'][number], FlagTag>(
      data.featureTags,
      t => t.featureName,
      t => ({ type: t.tagType, value: t.tagValue }),
    );
    for (const feature of data.features) {
      if (flags.has(feature.name)) continue;
      flags.set(feature.name, {
        name: feature.name,
        project: feature.project,
        description: feature.description ?? '',
        type: feature.type,
        stale: feature.stale,
        createdAt: feature.createdAt,
        tags: tagsByFlag.get(feature.name) ?? [],
        environments: environments.map(e => ({
          name: e.name,
          enabled: false,
          strategies: [],
          variants: [],
        })),
      });
    }
  }
  for (const { environment, data } of exports) {
    const strategiesByFlag = groupBy(
      data.featureStrategies,
      s => s.featureName,
      toStrategy,
    );
    for (const fe of data.featureEnvironments) {
      const target = flags
        .get(fe.featureName)
        ?.environments.find(e => e.name === environment);
      if (!target) continue;
      target.enabled = fe.enabled;
      target.variants = fe.variants ?? [];
      target.strategies = strategiesByFlag.get(fe.featureName) ?? [];
    }
  }
  return [...flags.values()].sort(
    (a, b) =>
      a.project.localeCompare(b.project) || a.name.localeCompare(b.name),
  );
}

/** Marks the flags the search found, in place (and unmarks the others). */
export function applyMarks(
  flags: ProviderFlag[],
  marks: SearchMarks | undefined,
) {
  for (const flag of flags) {
    if (marks?.potentiallyStale.has(flag.name)) flag.potentiallyStale = true;
    else delete flag.potentiallyStale;
    if (marks?.completed.has(flag.name)) flag.lifecycle = 'completed';
    else delete flag.lifecycle;
  }
}

/** The `changed-by` tag's value for a person: their user name, as Unleash accepts it. */
export function changedByValue(userEntityRef: string): string {
  const who = userEntityRef
    .replace(/^user:[^/]+\//, '')
    .slice(0, TAG_VALUE_MAX);
  return who.length >= TAG_VALUE_MIN ? who : who.padEnd(TAG_VALUE_MIN, '_');
}

export function findFlag(data: FlagsData, project: string, name: string) {
  return data.flags.find(f => f.project === project && f.name === name);
}

export function findEnvironment(
  data: FlagsData,
  ref: { project: string; flag: string; environment: string },
) {
  return findFlag(data, ref.project, ref.flag)?.environments.find(
    e => e.name === ref.environment,
  );
}
