/**
 * CloudWatch backend: metrics, alarms and dashboards of the catalog's
 * entities, and the portal-wide Metrics page, read with the AWS SDK.
 *
 * @packageDocumentation
 */
export { cloudwatchPlugin as default } from './plugin';
