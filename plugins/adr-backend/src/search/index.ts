/**
 * The search module that indexes decision records:
 * `backend.add(import('@internal/backstage-plugin-adr-backend/search'))`.
 *
 * @packageDocumentation
 */
export { searchModuleAdrCollator as default } from './module';
export { AdrCollatorFactory } from './AdrCollatorFactory';
export type { AdrDocument } from './AdrCollatorFactory';
