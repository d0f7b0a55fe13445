/**
 * Scaffolder actions of Stack Portal's New capability and New stack templates.
 *
 * @packageDocumentation
 */
export { scaffolderModuleStackpro as default } from './module';
export {
  capabilityNameProblem,
  RESERVED_CAPABILITY_NAMES,
} from './generate/names';
