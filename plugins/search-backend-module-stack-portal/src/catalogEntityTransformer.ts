import { Entity } from '@backstage/catalog-model';
import {
  CatalogCollatorEntityTransformer,
  defaultCatalogCollatorEntityTransformer,
} from '@backstage/plugin-search-backend-module-catalog';
import { EXACT_NAMES_FIELD } from './ExactNameFirstSearchEngine';

/**
 * Catalog entities as the search index holds them: Backstage's document
 * (title, description, kind, type, lifecycle, owner) with the entity's tags
 * in its text, so that searching `realtime` finds Communication Stack, and
 * its `metadata.name` among its exact names, so that `communication-stack`
 * puts it first.
 */
export const stackPortalCatalogEntityTransformer: CatalogCollatorEntityTransformer =
  (entity: Entity) => {
    const document = defaultCatalogCollatorEntityTransformer(entity);
    const tags = (entity.metadata.tags ?? []).filter(
      t => typeof t === 'string' && t !== '',
    );
    const withTags = {
      ...document,
      text: [document.text, tags.length ? `Tags: ${tags.join(', ')}` : '']
        .filter(Boolean)
        .join(' : '),
      tags,
      [EXACT_NAMES_FIELD]: [entity.metadata.name],
    };
    return withTags;
  };
