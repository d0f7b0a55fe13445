/**
 * The audit log backend: query, verify and export stored audit events.
 *
 * @packageDocumentation
 */
export { auditLogPlugin as default } from './plugin';
