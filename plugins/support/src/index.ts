/**
 * Support tickets: the entity Support tab, My tickets, queues, the ticket
 * page and the home widget.
 *
 * @packageDocumentation
 */
export { supportPlugin as default } from './plugin';
export { supportApiRef, SupportClient } from './api';
export type { SupportApi } from './api';
