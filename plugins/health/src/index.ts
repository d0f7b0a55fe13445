/**
 * Health: the Health page, the entity Health tab, the status page and the
 * home widget.
 *
 * @packageDocumentation
 */
export { healthPlugin as default } from './plugin';
export { healthApiRef, HealthClient } from './api';
export type { HealthApi } from './api';
