import type { Entity } from '@backstage/catalog-model';

/** The catalog annotations the CloudWatch plugins read. */
export const CLOUDWATCH_ANNOTATIONS = {
  /** CloudWatch namespace of the entity's metrics: `stackpro.capability`. */
  namespace: 'stackportal.io/cloudwatch-namespace',
  /** Comma-separated `Name=Value` dimensions: `capability=messaging`. */
  dimensions: 'stackportal.io/cloudwatch-dimensions',
  /** Comma-separated alarm names, or one name prefix ending in `*`. */
  alarms: 'stackportal.io/cloudwatch-alarms',
  /** Name of the entity's CloudWatch dashboard: `StackPro-Messaging-Sandbox`. */
  dashboard: 'stackportal.io/cloudwatch-dashboard',
  /** Id of the account in `cloudwatch.accounts` (default: the default account). */
  account: 'stackportal.io/cloudwatch-account',
} as const;

/** CloudWatch's own limits on the names the annotations hold. */
export const CLOUDWATCH_NAME_LIMITS = {
  namespaceLength: 255,
  dimensionNameLength: 255,
  dimensionValueLength: 1024,
  dimensionsPerMetric: 30,
  alarmNameLength: 255,
  alarmNamesPerCall: 100,
  dashboardNameLength: 255,
} as const;

export interface CloudWatchDimension {
  name: string;
  value: string;
}

/** Which alarms belong to the entity: a list of names, or a name prefix. */
export type AlarmSelector = { names: string[] } | { prefix: string };

/** What an entity's annotations say to show. */
export interface CloudWatchTarget {
  /** Account id as annotated; undefined means the configured default. */
  account?: string;
  /** Undefined when the entity names only alarms or a dashboard. */
  namespace?: string;
  dimensions: CloudWatchDimension[];
  alarms?: AlarmSelector;
  dashboard?: string;
}

/** One annotation that cannot be used, with what to write instead. */
export interface AnnotationProblem {
  annotation: string;
  value: string;
  message: string;
}

const NAMESPACE = /^[0-9A-Za-z.\-_/#:]+$/;
const DIMENSION_NAME = /^[0-9A-Za-z.\-_/#:]+$/;
const DASHBOARD_NAME = /^[A-Za-z0-9_-]+$/;
const PREFIX_MARK = '*';

function items(value: string): string[] {
  return value
    .split(',')
    .map(item => item.trim())
    .filter(Boolean);
}

function readNamespace(value: string, problems: AnnotationProblem[]) {
  const namespace = value.trim();
  if (
    !namespace ||
    namespace.length > CLOUDWATCH_NAME_LIMITS.namespaceLength ||
    !NAMESPACE.test(namespace)
  ) {
    problems.push({
      annotation: CLOUDWATCH_ANNOTATIONS.namespace,
      value,
      message:
        'is not a CloudWatch namespace: 1 to 255 letters, digits and . - _ / # : (for example stackpro.capability)',
    });
    return undefined;
  }
  return namespace;
}

function readDimensions(value: string, problems: AnnotationProblem[]) {
  const dimensions: CloudWatchDimension[] = [];
  const fail = (message: string) =>
    problems.push({
      annotation: CLOUDWATCH_ANNOTATIONS.dimensions,
      value,
      message,
    });
  const pairs = items(value);
  if (pairs.length > CLOUDWATCH_NAME_LIMITS.dimensionsPerMetric) {
    fail(
      `names ${pairs.length} dimensions; a CloudWatch metric has at most ${CLOUDWATCH_NAME_LIMITS.dimensionsPerMetric}`,
    );
    return [];
  }
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = at < 0 ? '' : pair.slice(0, at).trim();
    const dimensionValue = at < 0 ? '' : pair.slice(at + 1).trim();
    if (
      !name ||
      !dimensionValue ||
      name.length > CLOUDWATCH_NAME_LIMITS.dimensionNameLength ||
      dimensionValue.length > CLOUDWATCH_NAME_LIMITS.dimensionValueLength ||
      !DIMENSION_NAME.test(name)
    ) {
      fail(
        `"${pair}" is not a Name=Value dimension; write comma-separated pairs such as capability=messaging`,
      );
      return [];
    }
    if (dimensions.some(d => d.name === name)) {
      fail(`names the dimension ${name} twice`);
      return [];
    }
    dimensions.push({ name, value: dimensionValue });
  }
  return dimensions;
}

function readAlarms(
  value: string,
  problems: AnnotationProblem[],
): AlarmSelector | undefined {
  const fail = (message: string) => {
    problems.push({
      annotation: CLOUDWATCH_ANNOTATIONS.alarms,
      value,
      message,
    });
    return undefined;
  };
  const names = items(value);
  if (names.length === 0) {
    return fail('names no alarm; write alarm names, or one prefix ending in *');
  }
  const tooLong = names.find(
    n => n.length > CLOUDWATCH_NAME_LIMITS.alarmNameLength,
  );
  if (tooLong) {
    return fail(`"${tooLong.slice(0, 40)}…" is longer than 255 characters`);
  }
  const prefixes = names.filter(n => n.endsWith(PREFIX_MARK));
  if (prefixes.length > 0) {
    const prefix = prefixes[0].slice(0, -PREFIX_MARK.length);
    if (names.length > 1 || !prefix || prefix.includes(PREFIX_MARK)) {
      return fail(
        'mixes a prefix with other names; write either one prefix ending in * (StackPro-Messaging-*) or a list of alarm names',
      );
    }
    return { prefix };
  }
  if (names.length > CLOUDWATCH_NAME_LIMITS.alarmNamesPerCall) {
    return fail(
      `names ${names.length} alarms; at most ${CLOUDWATCH_NAME_LIMITS.alarmNamesPerCall}, or use a prefix ending in *`,
    );
  }
  return { names };
}

function readDashboard(value: string, problems: AnnotationProblem[]) {
  const name = value.trim();
  if (
    !name ||
    name.length > CLOUDWATCH_NAME_LIMITS.dashboardNameLength ||
    !DASHBOARD_NAME.test(name)
  ) {
    problems.push({
      annotation: CLOUDWATCH_ANNOTATIONS.dashboard,
      value,
      message:
        'is not a CloudWatch dashboard name: letters, digits, - and _ only (for example StackPro-Messaging-Sandbox)',
    });
    return undefined;
  }
  return name;
}

function readAccount(value: string, problems: AnnotationProblem[]) {
  const account = value.trim();
  if (!account) {
    problems.push({
      annotation: CLOUDWATCH_ANNOTATIONS.account,
      value,
      message:
        'is empty; name an account of cloudwatch.accounts in the portal configuration, or remove the annotation to use the default account',
    });
  }
  // an id the configuration does not know is reported by the backend, which
  // knows the accounts; never fall back to the default account for it
  return account;
}

/** Whether an entity names anything the CloudWatch plugins show. */
export function hasCloudWatchAnnotations(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return (
    CLOUDWATCH_ANNOTATIONS.namespace in annotations ||
    CLOUDWATCH_ANNOTATIONS.alarms in annotations ||
    CLOUDWATCH_ANNOTATIONS.dashboard in annotations
  );
}

/**
 * Reads an entity's CloudWatch annotations. Every annotation that cannot be
 * used is reported with what to write instead; the others still count, so a
 * wrong dashboard name does not hide the metrics.
 */
export function readCloudWatchAnnotations(
  annotations: Record<string, string> | undefined,
): { target: CloudWatchTarget; problems: AnnotationProblem[] } {
  const given = annotations ?? {};
  const problems: AnnotationProblem[] = [];
  const target: CloudWatchTarget = { dimensions: [] };
  const namespace = given[CLOUDWATCH_ANNOTATIONS.namespace];
  const dimensions = given[CLOUDWATCH_ANNOTATIONS.dimensions];
  const alarms = given[CLOUDWATCH_ANNOTATIONS.alarms];
  const dashboard = given[CLOUDWATCH_ANNOTATIONS.dashboard];
  const account = given[CLOUDWATCH_ANNOTATIONS.account];

  if (namespace !== undefined) {
    target.namespace = readNamespace(namespace, problems);
  }
  if (dimensions !== undefined) {
    if (namespace === undefined) {
      problems.push({
        annotation: CLOUDWATCH_ANNOTATIONS.dimensions,
        value: dimensions,
        message: `has no namespace to apply to; add ${CLOUDWATCH_ANNOTATIONS.namespace}`,
      });
    } else {
      target.dimensions = readDimensions(dimensions, problems);
    }
  }
  if (alarms !== undefined) target.alarms = readAlarms(alarms, problems);
  if (dashboard !== undefined) {
    target.dashboard = readDashboard(dashboard, problems);
  }
  if (account !== undefined) target.account = readAccount(account, problems);
  return { target, problems };
}
