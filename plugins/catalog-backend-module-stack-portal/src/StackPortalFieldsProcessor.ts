import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogProcessor } from '@backstage/plugin-catalog-node';
import { validateStackPortalFields } from '@internal/backstage-plugin-stacks-common';

/**
 * Refuses an entity whose `stackportal.io/*` fields hold values the portal
 * does not know; the catalog then keeps the last good version and shows the
 * error on the entity's page.
 */
export class StackPortalFieldsProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'StackPortalFieldsProcessor';
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    const problems = validateStackPortalFields(entity);
    if (problems.length) {
      throw new InputError(
        `${stringifyEntityRef(entity)}: ${problems
          .map(p => `${p.field}: ${p.message}`)
          .join('; ')}`,
      );
    }
    return entity;
  }
}
