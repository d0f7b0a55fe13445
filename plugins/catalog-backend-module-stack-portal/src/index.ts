/**
 * Validation of Stack Portal's catalog fields.
 *
 * @packageDocumentation
 */
export { catalogModuleStackPortal as default } from './module';
export { StackPortalFieldsProcessor } from './StackPortalFieldsProcessor';
