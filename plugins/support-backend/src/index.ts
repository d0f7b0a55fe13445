/**
 * Support tickets: the backend plugin (`support`), its store and services.
 *
 * @packageDocumentation
 */
export { supportPlugin as default } from './plugin';
export { DatabaseTicketStore } from './store/DatabaseTicketStore';
export type { TicketStore } from './store/TicketStore';
export { DefaultSupportService } from './service/SupportService';
export type { SupportService } from './service/SupportService';
export { SlaMonitor } from './service/SlaMonitor';
