/**
 * Decision records: the entity "Decisions" tab, the portal-wide Decisions
 * page and the ADR API client.
 *
 * @packageDocumentation
 */
export { adrPlugin as default } from './plugin';
export { adrApiRef, AdrClient } from './api';
export type { AdrApi } from './api';
