import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  capabilityCatalogFilter,
  capabilityEntityName,
  capabilityNameProblem,
  capabilityTakenProblem,
} from '@internal/backstage-plugin-stacks-common';

/** What the form says about a name. */
export type NameCheck =
  | { state: 'empty' }
  | { state: 'invalid'; reason: string }
  | { state: 'taken'; reason: string }
  | { state: 'free'; message: string }
  /** The catalog did not answer: the task's first step checks again. */
  | { state: 'unchecked'; message: string };

/**
 * The New capability name against the same rules as the task's first step
 * (stackpro:capability:check): shape and reserved words here, then the
 * catalog as the person sees it.
 */
export async function checkCapabilityName(
  catalogApi: typeof catalogApiRef.T,
  name: string,
): Promise<NameCheck> {
  if (!name) return { state: 'empty' };
  const problem = capabilityNameProblem(name);
  if (problem) return { state: 'invalid', reason: problem };
  try {
    const { items } = await catalogApi.getEntities({
      filter: capabilityCatalogFilter(name),
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    });
    if (items.length)
      return {
        state: 'taken',
        reason: capabilityTakenProblem(
          name,
          items.map(e => stringifyEntityRef(e)),
        ),
      };
  } catch (error) {
    return {
      state: 'unchecked',
      message: `The catalog could not be asked (${
        (error as Error).message
      }); the task checks the name when it starts`,
    };
  }
  const upper = name.toUpperCase();
  return {
    state: 'free',
    message: `${capabilityEntityName(
      name,
    )} is free; its flags will be CAP_${upper}_ENABLED, _VERSION, _DEGRADED`,
  };
}
