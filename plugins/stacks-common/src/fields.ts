import type { Entity } from '@backstage/catalog-model';

/** The one prefix under which Stack Portal defines its catalog fields. */
export const STACK_PORTAL_PREFIX = 'stackportal.io';

/** Labels (filterable through the catalog API). */
export const STACK_LABELS = {
  layer: `${STACK_PORTAL_PREFIX}/layer`,
  priority: `${STACK_PORTAL_PREFIX}/priority`,
  docStatus: `${STACK_PORTAL_PREFIX}/doc-status`,
  stack: `${STACK_PORTAL_PREFIX}/stack`,
} as const;

/** Annotations (free text read by the portal's plugins). */
export const STACK_ANNOTATIONS = {
  systemFeatures: `${STACK_PORTAL_PREFIX}/system-features`,
  userFeatures: `${STACK_PORTAL_PREFIX}/user-features`,
  reviewRank: `${STACK_PORTAL_PREFIX}/review-rank`,
  personas: `${STACK_PORTAL_PREFIX}/personas`,
  unleashProject: `${STACK_PORTAL_PREFIX}/unleash-project`,
  unleashFlags: `${STACK_PORTAL_PREFIX}/unleash-flags`,
  healthEndpoint: `${STACK_PORTAL_PREFIX}/health-endpoint`,
  capability: `${STACK_PORTAL_PREFIX}/capability`,
  cloudwatchNamespace: `${STACK_PORTAL_PREFIX}/cloudwatch-namespace`,
  cloudwatchDimensions: `${STACK_PORTAL_PREFIX}/cloudwatch-dimensions`,
  // checked by the CloudWatch plugins, which show what is wrong on the entity
  cloudwatchAlarms: `${STACK_PORTAL_PREFIX}/cloudwatch-alarms`,
  cloudwatchDashboard: `${STACK_PORTAL_PREFIX}/cloudwatch-dashboard`,
  cloudwatchAccount: `${STACK_PORTAL_PREFIX}/cloudwatch-account`,
  docsLocation: `${STACK_PORTAL_PREFIX}/docs-location`,
  adrLocation: 'backstage.io/adr-location',
} as const;

/** The `spec.type` of a System that is a stack. */
export const STACK_SYSTEM_TYPE = 'stack';
/** The `spec.type` of a Component that is a StackPro capability. */
export const CAPABILITY_COMPONENT_TYPE = 'capability';

export const LAYERS = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7'] as const;
export type Layer = (typeof LAYERS)[number];

export const LAYER_TITLES: Record<Layer, string> = {
  L1: 'Foundation',
  L2: 'Platform',
  L3: 'Data',
  L4: 'Integration',
  L5: 'Business',
  L6: 'Application',
  L7: 'Presentation',
};

/** Ordered most urgent first. */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const DOC_STATUSES = ['complete', 'incomplete', 'missing'] as const;
export type DocStatus = (typeof DOC_STATUSES)[number];

export function isLayer(value: unknown): value is Layer {
  return LAYERS.includes(value as Layer);
}
export function isPriority(value: unknown): value is Priority {
  return PRIORITIES.includes(value as Priority);
}
export function isDocStatus(value: unknown): value is DocStatus {
  return DOC_STATUSES.includes(value as DocStatus);
}

/** Splits a one-item-per-line annotation into its trimmed, non-empty items. */
export function splitLines(value: string | undefined): string[] {
  return (value ?? '')
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
}

/** Splits a comma-separated annotation into its trimmed, non-empty items. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(item => item.trim())
    .filter(Boolean);
}

/** Whether an entity is a stack: a System of type `stack`. */
export function isStackEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'system' &&
    entity.spec?.type === STACK_SYSTEM_TYPE
  );
}

/** One problem with an entity's Stack Portal fields. */
export interface FieldProblem {
  field: string;
  message: string;
}

const CAP_FLAG = /^CAP_[A-Z0-9]+_(ENABLED|VERSION|DEGRADED)$/;

/**
 * A health endpoint relative to its capability's base URL: one leading "/",
 * no spaces or backslashes, no "." or ".." segment (it cannot leave the base URL).
 */
function isRelativeEndpoint(value: string): boolean {
  return (
    /^\/(?!\/)[^\s\\]*$/.test(value) &&
    !value
      .split(/[?#]/)[0]
      .split('/')
      .some(
        segment => segment === '.' || segment === '..' || /%2e/i.test(segment),
      )
  );
}

/**
 * Checks the `stackportal.io/*` labels and annotations of one entity.
 * Stacks must carry layer, priority, status and system features; every
 * known field must hold an allowed value; unknown fields under the prefix are
 * refused so that a typo does not pass silently.
 */
export function validateStackPortalFields(entity: Entity): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const labels = entity.metadata.labels ?? {};
  const annotations = entity.metadata.annotations ?? {};
  const known = new Set<string>([
    ...Object.values(STACK_LABELS),
    ...Object.values(STACK_ANNOTATIONS),
  ]);
  for (const key of [...Object.keys(labels), ...Object.keys(annotations)]) {
    if (key.startsWith(`${STACK_PORTAL_PREFIX}/`) && !known.has(key)) {
      problems.push({
        field: key,
        message: `unknown field; the known ${STACK_PORTAL_PREFIX} fields are listed in catalog/README.md`,
      });
    }
  }
  const check = (
    field: string,
    value: string | undefined,
    ok: (v: string) => boolean,
    allowed: readonly string[] | string,
  ) => {
    if (value !== undefined && !ok(value)) {
      const expected = Array.isArray(allowed) ? allowed.join(', ') : allowed;
      problems.push({
        field,
        message: `"${value}" is not allowed; expected ${expected}`,
      });
    }
  };
  check(STACK_LABELS.layer, labels[STACK_LABELS.layer], isLayer, LAYERS);
  check(
    STACK_LABELS.priority,
    labels[STACK_LABELS.priority],
    isPriority,
    PRIORITIES,
  );
  check(
    STACK_LABELS.docStatus,
    labels[STACK_LABELS.docStatus],
    isDocStatus,
    DOC_STATUSES,
  );
  check(
    STACK_ANNOTATIONS.reviewRank,
    annotations[STACK_ANNOTATIONS.reviewRank],
    v => /^[1-9][0-9]*$/.test(v),
    'a positive whole number',
  );
  check(
    STACK_ANNOTATIONS.unleashFlags,
    annotations[STACK_ANNOTATIONS.unleashFlags],
    v => splitList(v).length > 0 && splitList(v).every(f => CAP_FLAG.test(f)),
    'a comma-separated list of CAP_<NAME>_ENABLED, _VERSION or _DEGRADED flags',
  );
  check(
    STACK_ANNOTATIONS.healthEndpoint,
    annotations[STACK_ANNOTATIONS.healthEndpoint],
    v => /^https?:\/\/[^\s]+$/.test(v) || isRelativeEndpoint(v),
    'an http(s) URL, or a path such as /v1/health relative to the base URL of the capability named by stackportal.io/capability',
  );
  check(
    STACK_ANNOTATIONS.capability,
    annotations[STACK_ANNOTATIONS.capability],
    v => /^[a-z][a-z0-9]{0,39}$/.test(v),
    'a capability name: lowercase letters and digits, starting with a letter (as in CAP_<NAME>_ENABLED)',
  );
  check(
    STACK_ANNOTATIONS.docsLocation,
    annotations[STACK_ANNOTATIONS.docsLocation],
    v =>
      /^https?:\/\/[^\s]+$/.test(v) ||
      (/^[^\s/\\][^\s\\]*\.md$/.test(v) &&
        !/^[A-Za-z]:/.test(v) &&
        !/^[a-z][a-z0-9+.-]*:/i.test(v)),
    'a markdown file (.md) relative to the entity file, or an http(s) URL',
  );
  check(
    STACK_ANNOTATIONS.cloudwatchDimensions,
    annotations[STACK_ANNOTATIONS.cloudwatchDimensions],
    v => splitList(v).every(d => /^[A-Za-z0-9_.-]+=[^=,]+$/.test(d)),
    'comma-separated Name=Value pairs',
  );

  if (isStackEntity(entity)) {
    for (const label of [
      STACK_LABELS.layer,
      STACK_LABELS.priority,
      STACK_LABELS.docStatus,
    ]) {
      if (!labels[label]) {
        problems.push({ field: label, message: 'required on every stack' });
      }
    }
    if (
      splitLines(annotations[STACK_ANNOTATIONS.systemFeatures]).length === 0
    ) {
      problems.push({
        field: STACK_ANNOTATIONS.systemFeatures,
        message: 'required on every stack: one system feature per line',
      });
    }
    if (!entity.spec?.domain) {
      problems.push({
        field: 'spec.domain',
        message: 'required on every stack',
      });
    }
  }
  if (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    entity.spec?.type === CAPABILITY_COMPONENT_TYPE
  ) {
    for (const annotation of [
      STACK_ANNOTATIONS.unleashProject,
      STACK_ANNOTATIONS.unleashFlags,
      STACK_ANNOTATIONS.healthEndpoint,
      STACK_ANNOTATIONS.capability,
      STACK_ANNOTATIONS.cloudwatchNamespace,
      STACK_ANNOTATIONS.cloudwatchDimensions,
      STACK_ANNOTATIONS.adrLocation,
    ]) {
      if (!annotations[annotation]) {
        problems.push({
          field: annotation,
          message: 'required on every capability',
        });
      }
    }
    if (!labels[STACK_LABELS.stack]) {
      problems.push({
        field: STACK_LABELS.stack,
        message: 'required on every capability',
      });
    }
  }
  return problems;
}
