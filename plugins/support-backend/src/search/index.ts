/**
 * The search module that indexes support tickets:
 * `backend.add(import('@internal/backstage-plugin-support-backend/search'))`.
 *
 * @packageDocumentation
 */
export { searchModuleSupportCollator as default } from './module';
export { TicketCollatorFactory } from './TicketCollatorFactory';
export type { TicketSearchDocument } from './SearchDocuments';
