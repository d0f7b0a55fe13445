/**
 * StackPro's capability runtime (seed 002), what every capability is made of:
 * its OpenAPI contract served and enforced, its flags read through
 * unleash-client, degraded fallbacks behind circuit breakers, a fault knob,
 * `GET /v1/health`, and the observability middleware (a structured log line
 * and the five CloudWatch metrics per request).
 *
 * Self-contained on purpose (no Backstage or workspace imports), so that the
 * "New capability" template can build a capability from it.
 *
 * @packageDocumentation
 */
export * from './contract/Contract';
export * from './contract/ContractValidator';
export * from './flags/FlagSource';
export * from './flags/UnleashFlagSource';
export * from './flags/EnvironmentFlagSource';
export * from './observability/logging';
export * from './observability/MetricsRecorder';
export * from './observability/CloudWatchMetricsPublisher';
export * from './server/types';
export * from './server/Dependency';
export * from './server/FaultKnob';
export * from './server/LastGoodCache';
export * from './server/health';
export * from './server/CapabilityRuntime';
export * from './server/pagination';
export * from './client/CapabilityClient';
export * from './server/refusals';
export * from './observability/observabilityMiddleware';
