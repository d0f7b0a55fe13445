/**
 * Decision records: the entity "Decisions" tab, the portal-wide Decisions
 * page and the ADR API client.
 *
 * @packageDocumentation
 */
export { adrPlugin as default } from './plugin';
export { adrApiRef, AdrClient } from './api';
export type { AdrApi } from './api';
// the safe markdown renderer, also used by the support plugin's tickets
export { AdrMarkdown } from './components/AdrMarkdown';
