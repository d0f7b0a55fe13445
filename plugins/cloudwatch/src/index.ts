/**
 * CloudWatch: the Metrics tab of capabilities (metrics, alarms, dashboard)
 * and the portal-wide Metrics page.
 *
 * @packageDocumentation
 */
export { cloudwatchPlugin as default } from './plugin';
export { cloudwatchApiRef, CloudWatchClient } from './api';
export type { CloudWatchApi, EntityName } from './api';
