import { setTimeout as sleep } from 'node:timers/promises';
import express, { NextFunction, Request, Response, Router } from 'express';
import type { Contract, ContractOperation } from '../contract/Contract';
import {
  ContractMatch,
  ContractValidator,
  ValidatedRequest,
} from '../contract/ContractValidator';
import type { CapabilityFlags, FlagSource } from '../flags/FlagSource';
import { JsonLineLogger, RuntimeLogger } from '../observability/logging';
import type { MetricsRecorder } from '../observability/MetricsRecorder';
import {
  newRequestId,
  observabilityMiddleware,
} from '../observability/observabilityMiddleware';
import {
  BreakerOptions,
  Dependency,
  DependencyUnavailableError,
} from './Dependency';
import { FaultKnob, Faults } from './FaultKnob';
import { healthOf } from './health';
import { LastGoodCache } from './LastGoodCache';
import {
  MAX_BODY_BYTES,
  bodyParserRefusal,
  errorBody,
  refusals,
} from './refusals';
import {
  CapabilityError,
  CapabilityHandler,
  CapabilityRequest,
  CapabilityResponse,
} from './types';

/** The contract's operation answered by the runtime itself. */
export const HEALTH_OPERATION = 'getHealth';

export interface CapabilityRuntimeOptions {
  /** `messaging`: the `<X>` of its flags and the `capability` dimension of its metrics. */
  capability: string;
  contract: Contract;
  /** A handler per operationId of the contract, health excepted. */
  handlers: Record<string, CapabilityHandler>;
  flags: FlagSource;
  /** Names of what the capability calls (`store`, `query-engine`), each behind a circuit breaker. */
  dependencies?: string[];
  faults?: Partial<Faults>;
  breaker?: BreakerOptions;
  metrics?: MetricsRecorder;
  /** Structured request log (seed 002's line); stdout by default. */
  requestLog?: JsonLineLogger;
  logger?: RuntimeLogger;
  /**
   * `enforce` (default): an answer that breaks the contract becomes a 500 and
   * is logged; `log`: it is sent anyway and logged.
   */
  responseValidation?: 'enforce' | 'log';
  now?: () => Date;
}

/** What the flags say for one request. */
interface FlagView {
  tenantId: string;
  flags: CapabilityFlags | undefined;
  /** Every answer says degraded: degraded mode forced, or the flags only last known values. */
  degradedMode: boolean;
}

/**
 * Seed 002's capability runtime around a contract: every route of the
 * contract, requests and responses validated against it, `GET /v1/health`,
 * the flags (`CAP_<X>_ENABLED`: a disabled capability answers 503;
 * `CAP_<X>_DEGRADED`: dependencies are not called and answers come from
 * fallbacks with `degraded: true`), dependencies behind circuit breakers,
 * the fault knob, and the observability middleware (one structured log line
 * and the five metrics per request).
 */
export class CapabilityRuntime {
  readonly capability: string;
  readonly faults: FaultKnob;
  private readonly validator: ContractValidator;
  private readonly dependencies: Map<string, Dependency>;
  private readonly lastGood = new LastGoodCache();
  private readonly requestLog: JsonLineLogger;
  private readonly logger: RuntimeLogger;
  private readonly now: () => Date;

  private constructor(private readonly options: CapabilityRuntimeOptions) {
    this.capability = options.capability;
    this.validator = ContractValidator.create(options.contract);
    const names = options.dependencies ?? [];
    this.faults = FaultKnob.create({
      dependencies: names,
      initial: options.faults,
    });
    this.dependencies = new Map(
      names.map(name => [
        name,
        new Dependency(name, () => this.faults.isDown(name), options.breaker),
      ]),
    );
    this.requestLog = options.requestLog ?? JsonLineLogger.create();
    this.logger = options.logger ?? this.requestLog;
    this.now = options.now ?? (() => new Date());
    const missing = options.contract.operations
      .map(op => op.operationId)
      .filter(id => id !== HEALTH_OPERATION && !options.handlers[id]);
    if (missing.length > 0) {
      throw new Error(
        `The ${options.capability} capability has no handler for ${missing.join(
          ', ',
        )}`,
      );
    }
    options.metrics?.register(this.capability, () => this.breakerOpen());
  }

  static create(options: CapabilityRuntimeOptions): CapabilityRuntime {
    return new CapabilityRuntime(options);
  }

  /** The names of what the capability calls. */
  dependencyNames(): string[] {
    return [...this.dependencies.keys()];
  }

  /** Whether any dependency's circuit breaker is open. */
  breakerOpen(): boolean {
    return [...this.dependencies.values()].some(d => d.breakerOpen());
  }

  /** The body and status `GET /v1/health` answers now (without injected faults). */
  health(injectedFailure = false) {
    return healthOf({
      capability: this.capability,
      contractVersion: this.options.contract.version,
      flags: this.options.flags.read(this.capability),
      flagState: this.options.flags.state(),
      dependencyChecks: [...this.dependencies.values()].map(d => d.check()),
      injectedFailure,
      now: this.now(),
    });
  }

  /** The express router serving the contract's paths (mount it at the capability's base URL). */
  router(): Router {
    const router = express.Router();
    router.use(
      observabilityMiddleware({
        capability: this.capability,
        requestLog: this.requestLog,
        metrics: this.options.metrics,
        breakerOpen: () => this.breakerOpen(),
      }),
    );
    router.use(express.json({ limit: MAX_BODY_BYTES }));
    router.use((req, res) => this.serve(req, res));
    router.use((error: any, req: Request, res: Response, _next: NextFunction) =>
      this.fail(error, req, res),
    );
    return router;
  }

  private send(
    res: Response,
    operation: ContractOperation | undefined,
    answer: CapabilityResponse,
  ) {
    let { status, body } = answer;
    const requestId: string = res.locals.requestId;
    const problems = operation
      ? this.validator.validateResponse(operation, status, body)
      : [];
    if (problems.length > 0) {
      this.logger.error(
        `${this.capability} ${
          operation!.operationId
        } answered outside its contract`,
        { trace_id: requestId, status, problems },
      );
      if (this.options.responseValidation !== 'log') {
        status = 500;
        body = errorBody(
          requestId,
          'INTERNAL_ERROR',
          'The answer broke the contract; quote requestId when reporting it',
          Boolean(body.degraded),
        );
      }
    }
    res.locals.degraded = body.degraded === true;
    res
      .status(status)
      .set(answer.headers ?? {})
      .json(body);
  }

  private sendError(
    res: Response,
    operation: ContractOperation | undefined,
    error: CapabilityError,
    degraded: boolean,
  ) {
    this.send(res, operation, {
      status: error.status,
      headers: error.headers,
      body: errorBody(
        res.locals.requestId,
        error.code,
        error.message,
        degraded,
        error.details,
      ),
    });
  }

  private flagView(req: Request): FlagView {
    const tenantId = req.header('x-tenant-id') ?? '';
    const flags = this.options.flags.read(this.capability, { tenantId });
    const degradedMode =
      !flags ||
      flags.forcedDegraded ||
      this.options.flags.state().status !== 'ok';
    return { tenantId, flags, degradedMode };
  }

  /** Route, fault knob, health; then `admit` and the handler. */
  private async serve(req: Request, res: Response): Promise<void> {
    const view = this.flagView(req);
    const match = this.validator.match(req.method, req.path);
    if (match.kind === 'unknown-path') {
      const error = refusals.unknownRoute(this.capability, req.path);
      this.sendError(res, undefined, error, view.degradedMode);
      return;
    }
    if (match.kind === 'method-not-allowed') {
      const error = refusals.methodNotAllowed(
        req.method,
        req.path,
        match.allowed,
      );
      this.sendError(res, undefined, error, view.degradedMode);
      return;
    }
    const { operation } = match;
    res.locals.route = operation.path;
    const fault = this.faults.draw();
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.fail) res.locals.fault = 'error';

    if (operation.operationId === HEALTH_OPERATION) {
      this.send(res, operation, this.health(fault.fail));
      return;
    }
    if (fault.fail) {
      const error = refusals.injectedFailure();
      this.sendError(res, operation, error, view.degradedMode);
      return;
    }
    const request = this.admit(req, res, match, view);
    if (request) await this.handle(req, res, operation, view, request);
  }

  /**
   * The flags (unreadable, or the capability disabled) and the contract
   * (media type, parameters, body): the validated request, or undefined when
   * a refusal was sent.
   */
  private admit(
    req: Request,
    res: Response,
    match: Extract<ContractMatch, { kind: 'operation' }>,
    { flags, degradedMode }: FlagView,
  ): ValidatedRequest | undefined {
    const { operation } = match;
    let refusal: CapabilityError | undefined;
    if (!flags) {
      const why = this.options.flags.state().message;
      refusal = refusals.flagsUnavailable(this.capability, why);
    } else if (!flags.enabled) {
      refusal = refusals.disabled(this.capability);
    }
    if (refusal) {
      this.sendError(res, operation, refusal, true);
      return undefined;
    }
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 ||
      req.headers['transfer-encoding'] !== undefined;
    if (hasBody && operation.requestBody && !req.is('application/json')) {
      const error = refusals.unsupportedMediaType();
      this.sendError(res, operation, error, degradedMode);
      return undefined;
    }
    const { problems, request } = this.validator.validateRequest(operation, {
      pathParams: match.pathParams,
      query: req.query as Record<string, unknown>,
      header: name => req.header(name),
      body: req.body,
      hasBody,
    });
    if (problems.length > 0) {
      const error = refusals.validationFailed(problems);
      this.sendError(res, operation, error, degradedMode);
      return undefined;
    }
    return request;
  }

  private capabilityRequest(
    res: Response,
    { tenantId, flags }: FlagView,
    validated: ValidatedRequest,
  ): CapabilityRequest {
    return {
      requestId: res.locals.requestId,
      tenantId,
      ...validated,
      flags: flags!,
      use: (name, fn) => {
        const dependency = this.dependencies.get(name);
        if (!dependency) {
          throw new Error(`${this.capability} has no dependency ${name}`);
        }
        if (flags!.forcedDegraded) {
          return Promise.reject(
            new DependencyUnavailableError(name, 'forced-degraded'),
          );
        }
        return dependency.call(fn);
      },
      lastGood: {
        remember: (key, body) =>
          this.lastGood.remember(`${tenantId}\u0000${key}`, body),
        recall: key => this.lastGood.recall(`${tenantId}\u0000${key}`),
      },
    };
  }

  /**
   * Runs the handler. A read answered from the primary path is kept as the
   * last good copy; a dependency that cannot answer makes a read answer from
   * that copy (`degraded: true`), anything else a 503.
   */
  private async handle(
    req: Request,
    res: Response,
    operation: ContractOperation,
    view: FlagView,
    validated: ValidatedRequest,
  ): Promise<void> {
    const cacheKey = `${view.tenantId}\u0000${req.originalUrl}`;
    const isRead = operation.method === 'GET';
    const handler = this.options.handlers[operation.operationId];
    try {
      const answer = await handler(
        this.capabilityRequest(res, view, validated),
      );
      const degraded = answer.body.degraded === true || view.degradedMode;
      if (isRead && answer.status === 200 && !degraded) {
        this.lastGood.remember(cacheKey, answer.body);
      }
      const body = { ...answer.body, degraded };
      this.send(res, operation, { ...answer, body });
    } catch (error) {
      if (error instanceof DependencyUnavailableError) {
        const copy = isRead ? this.lastGood.recall(cacheKey) : undefined;
        if (copy) {
          const body = { ...copy.body, degraded: true };
          this.send(res, operation, { status: 200, body });
          return;
        }
        const refusal = refusals.dependencyUnavailable(this.capability, error);
        this.sendError(res, operation, refusal, true);
        return;
      }
      if (error instanceof CapabilityError) {
        this.sendError(res, operation, error, view.degradedMode);
        return;
      }
      throw error;
    }
  }

  /** The error handler: a body the JSON parser refused is the caller's 400; anything else a logged 500. */
  private fail(error: any, req: Request, res: Response) {
    const requestId: string = res.locals.requestId ?? newRequestId();
    const refusal = bodyParserRefusal(error);
    if (!refusal) {
      this.logger.error(
        `${this.capability} failed on ${req.method} ${req.path}: ${
          error?.stack ?? error
        }`,
        { trace_id: requestId },
      );
    }
    if (res.headersSent) return;
    const { status, code, message } = refusal ?? {
      status: 500,
      code: 'INTERNAL_ERROR',
      message: 'Unexpected failure; quote requestId when reporting it',
    };
    res.locals.requestId = requestId;
    res.status(status).json(errorBody(requestId, code, message, false));
  }
}
