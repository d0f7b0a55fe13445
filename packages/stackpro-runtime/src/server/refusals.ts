import type { ContractProblem } from '../contract/ContractValidator';
import type { DependencyUnavailableError } from './Dependency';
import { CapabilityError } from './types';

/** Largest JSON body a capability reads. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** What a 503 asks the caller to wait, in seconds. */
const RETRY_AFTER = { 'Retry-After': '30' };

/** The contracts' one error shape. */
export function errorBody(
  requestId: string,
  code: string,
  message: string,
  degraded: boolean,
  details?: object,
) {
  return {
    error: { code, message, ...(details ? { details } : {}), requestId },
    degraded,
  };
}

const flagOf = (capability: string) =>
  `CAP_${capability.toUpperCase()}_ENABLED`;

/** The answers a capability gives when it does not serve a request, each in the contract's error shape. */
export const refusals = {
  unknownRoute: (capability: string, path: string) =>
    new CapabilityError(
      404,
      'NOT_FOUND',
      `No route ${path} in the ${capability} contract`,
    ),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    new CapabilityError(
      405,
      'METHOD_NOT_ALLOWED',
      `${method} is not allowed on ${path}; use ${allowed.join(', ')}`,
      undefined,
      { Allow: allowed.join(', ') },
    ),
  injectedFailure: () =>
    new CapabilityError(
      500,
      'INTERNAL_ERROR',
      "The capability failed to answer (a fault set with the sandbox's fault knob); quote requestId when reporting it",
    ),
  flagsUnavailable: (capability: string, why: string | undefined) =>
    new CapabilityError(
      503,
      'FLAGS_UNAVAILABLE',
      `The ${capability} capability cannot read its flags yet (${why}); retry later`,
      undefined,
      RETRY_AFTER,
    ),
  disabled: (capability: string) =>
    new CapabilityError(
      503,
      'CAPABILITY_DISABLED',
      `The ${capability} capability is disabled (${flagOf(capability)} is off)`,
      { flag: flagOf(capability) },
      RETRY_AFTER,
    ),
  unsupportedMediaType: () =>
    new CapabilityError(
      400,
      'UNSUPPORTED_MEDIA_TYPE',
      'The body must be JSON (Content-Type: application/json)',
    ),
  /** Every field that breaks the contract, in `details.fields`; the first three in the message. */
  validationFailed: (problems: ContractProblem[]) =>
    new CapabilityError(
      400,
      'VALIDATION_FAILED',
      `The request does not follow the contract: ${problems
        .slice(0, 3)
        .map(p => `${p.in} ${p.field} ${p.message}`)
        .join('; ')}`,
      {
        fields: problems.map(p => ({
          in: p.in,
          field: p.field,
          message: p.message,
        })),
      },
    ),
  dependencyUnavailable: (
    capability: string,
    error: DependencyUnavailableError,
  ) =>
    new CapabilityError(
      503,
      'DEPENDENCY_UNAVAILABLE',
      `The ${capability} capability cannot answer: ${error.message}, and no fallback answer exists`,
      { dependency: error.dependency, reason: error.reason },
      RETRY_AFTER,
    ),
};

/**
 * What an error thrown before the runtime could judge the request (by the
 * JSON body parser) means for the caller; undefined for an unexpected failure.
 */
export function bodyParserRefusal(
  error: any,
): { status: number; code: string; message: string } | undefined {
  if (error?.type === 'entity.parse.failed') {
    return {
      status: 400,
      code: 'MALFORMED_JSON',
      message: `The body is not valid JSON: ${error.message}`,
    };
  }
  if (error?.type === 'entity.too.large') {
    return {
      status: 400,
      code: 'BODY_TOO_LARGE',
      message: `The body is larger than ${MAX_BODY_BYTES} bytes`,
    };
  }
  if (error?.status >= 400 && error?.status < 500 && error?.expose) {
    return { status: 400, code: 'BAD_REQUEST', message: String(error.message) };
  }
  return undefined;
}
