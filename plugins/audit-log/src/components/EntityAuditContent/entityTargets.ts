import { Entity, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * The catalog fields that name an entity's flags (`stackportal.io/...`, as
 * `@internal/backstage-plugin-stacks-common` defines them, and as the flags
 * backend reads them): the project, else the flags backend's default.
 */
const UNLEASH_PROJECT = 'stackportal.io/unleash-project';
const UNLEASH_FLAGS = 'stackportal.io/unleash-flags';
const DEFAULT_FLAG_PROJECT = 'default';

/**
 * The targets of the events about an entity: its ref, its uid (which the
 * catalog's own events name), and each of its feature flags
 * (`feature-flag:<project>/<flag>`, which the flags backend's toggles and
 * change requests name).
 */
export function entityAuditTargets(entity: Entity): string[] {
  const targets = [stringifyEntityRef(entity)];
  if (entity.metadata.uid) targets.push(entity.metadata.uid);
  const annotations = entity.metadata.annotations ?? {};
  const project = annotations[UNLEASH_PROJECT]?.trim() || DEFAULT_FLAG_PROJECT;
  for (const flag of (annotations[UNLEASH_FLAGS] ?? '').split(/[,\s]+/)) {
    if (flag.trim()) targets.push(`feature-flag:${project}/${flag.trim()}`);
  }
  return targets;
}
