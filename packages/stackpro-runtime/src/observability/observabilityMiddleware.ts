import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { JsonLineLogger, RequestLogLine } from './logging';
import type { MetricsRecorder } from './MetricsRecorder';

/** A request id: the log line's `trace_id`, `X-Request-Id` and `error.requestId`. */
export function newRequestId(): string {
  return `req_${randomBytes(8).toString('hex')}`;
}

/**
 * Seed 002's observability middleware: gives each request its id and, once
 * the answer is sent, writes the structured log line and records the
 * metrics. The runtime tells it, through `res.locals`, the contract's route,
 * whether the answer was degraded and which fault was injected.
 */
export function observabilityMiddleware(options: {
  capability: string;
  requestLog: JsonLineLogger;
  metrics?: MetricsRecorder;
  breakerOpen: () => boolean;
}) {
  const { capability, requestLog, metrics } = options;
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.locals.requestId = newRequestId();
    res.setHeader('X-Request-Id', res.locals.requestId);
    res.on('finish', () => {
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      const degraded = Boolean(res.locals.degraded);
      const status = res.statusCode;
      metrics?.record({ capability, status, latencyMs, degraded });
      if (options.breakerOpen()) metrics?.noteBreaker(capability, true);
      let level: RequestLogLine['level'] = 'info';
      if (status >= 500) level = 'error';
      else if (status >= 400) level = 'warn';
      const route: string = res.locals.route ?? req.path;
      requestLog.request({
        timestamp: new Date().toISOString(),
        level,
        message: `${req.method} ${route} ${status}`,
        capability,
        route,
        method: req.method,
        status,
        tenantId: req.header('x-tenant-id') || undefined,
        latency_ms: Math.round(latencyMs * 10) / 10,
        degraded,
        trace_id: res.locals.requestId,
        ...(res.locals.fault ? { fault: res.locals.fault } : {}),
      });
    });
    next();
  };
}
