/**
 * The `adr:create` scaffolder action: writes the next-numbered decision
 * record into an entity's ADR location.
 *
 * @packageDocumentation
 */
export { scaffolderModuleAdr as default } from './module';
export { createAdrAction } from './actions/createAdr';
