/**
 * Health probes, SLOs, error budgets, burn-rate alerts, incidents and
 * capability discovery: the backend plugin (`health`).
 *
 * @packageDocumentation
 */
export { healthPlugin as default } from './plugin';
export { DatabaseHealthStore } from './store/DatabaseHealthStore';
export type { HealthStore } from './store/HealthStore';
export { DefaultHealthService } from './service/HealthService';
export type { HealthService } from './service/HealthService';
export { HealthMonitor } from './service/HealthMonitor';
export { SloEvaluator } from './service/SloEvaluator';
export { AddressPolicy } from './probe/AddressPolicy';
export { HttpProber } from './probe/HttpProber';
export { ProbeRunner } from './probe/ProbeRunner';
