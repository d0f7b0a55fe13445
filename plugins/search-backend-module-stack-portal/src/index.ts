/**
 * Stack Portal's search: the engine (PostgreSQL or Lunr) with exact names
 * first, and catalog documents that carry their tags.
 *
 * @packageDocumentation
 */
export {
  searchModuleStackPortal as default,
  searchModuleStackPortalCatalogDocuments,
  searchModuleStackPortalEngine,
} from './module';
export {
  EXACT_NAMES_FIELD,
  ExactNameFirstSearchEngine,
  normaliseName,
} from './ExactNameFirstSearchEngine';
export {
  ExactNamesDecorator,
  ExactNamesDecoratorFactory,
} from './ExactNamesDecorator';
export { ExactNamesLunrSearchEngine } from './ExactNamesLunrSearchEngine';
export { stackPortalCatalogEntityTransformer } from './catalogEntityTransformer';
