import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Contract, ContractOperation } from './Contract';

const DOCUMENT_ID = 'contract.json';

/** One thing wrong with a request or a response, named for the person who sent it. */
export interface ContractProblem {
  /** Where: `body`, `query`, `header` or `path`. */
  in: string;
  /** The field, as a JSON pointer into the body or the parameter's name (`/threadId`, `X-Tenant-Id`). */
  field: string;
  message: string;
}

/** What a request path and method match in the contract. */
export type ContractMatch =
  | {
      kind: 'operation';
      operation: ContractOperation;
      pathParams: Record<string, string>;
    }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'unknown-path' };

/** The request parts a validation reads; parameters come back coerced to their schema's types, defaults applied. */
export interface RequestParts {
  pathParams: Record<string, string>;
  query: Record<string, unknown>;
  header(name: string): string | undefined;
  body: unknown;
  /** Whether a body was sent at all. */
  hasBody: boolean;
}

/** Validated, typed parameters and body. */
export interface ValidatedRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] =
        key === '$ref' && typeof value === 'string' && value.startsWith('#')
          ? `${DOCUMENT_ID}${value}`
          : rewriteRefs(value);
    }
    return out;
  }
  return node;
}

function describe(error: ErrorObject): { field: string; message: string } {
  const field = error.instancePath || '/';
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string })
      .missingProperty;
    return {
      field: `${error.instancePath}/${missing}`,
      message: 'is required',
    };
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] })
      .allowedValues;
    return {
      field,
      message: `must be one of ${allowed
        .map(v => JSON.stringify(v))
        .join(', ')}`,
    };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string })
      .additionalProperty;
    return {
      field: `${error.instancePath}/${extra}`,
      message: 'is not a known field',
    };
  }
  return { field, message: error.message ?? 'is not valid' };
}

interface CompiledOperation {
  path?: ValidateFunction;
  query?: ValidateFunction;
  header?: ValidateFunction;
  body?: ValidateFunction;
  responses: Map<string, ValidateFunction | undefined>;
}

/**
 * Matches requests to a contract's operations and validates requests and
 * responses against it with Ajv (OpenAPI 3.0 schemas: `nullable`, formats).
 * Parameters arrive as strings and are coerced to their declared types;
 * defaults are applied.
 */
export class ContractValidator {
  private readonly compiled = new Map<ContractOperation, CompiledOperation>();

  private constructor(readonly contract: Contract) {
    const ajv = (options: { useDefaults: boolean; coerceTypes?: 'array' }) => {
      const instance = addFormats(
        new Ajv({
          strict: false,
          allErrors: true,
          validateSchema: false,
          ...options,
        }),
      );
      instance.addSchema(contract.document, DOCUMENT_ID);
      return instance;
    };
    // requests: defaults applied; parameters (strings on the wire) coerced to their types
    const bodyAjv = ajv({ useDefaults: true });
    const coercingAjv = ajv({ useDefaults: true, coerceTypes: 'array' });
    // responses: checked as they are, never changed
    const responseAjv = ajv({ useDefaults: false });

    for (const op of contract.operations) {
      const entry: CompiledOperation = { responses: new Map() };
      for (const location of ['path', 'query', 'header'] as const) {
        const params = op.parameters.filter(p => p.in === location);
        if (params.length === 0) continue;
        entry[location] = coercingAjv.compile(
          rewriteRefs({
            type: 'object',
            properties: Object.fromEntries(params.map(p => [p.name, p.schema])),
            required: params.filter(p => p.required).map(p => p.name),
          }) as object,
        );
      }
      if (op.requestBody) {
        entry.body = bodyAjv.compile(
          rewriteRefs(op.requestBody.schema) as object,
        );
      }
      for (const [status, schema] of op.responses) {
        entry.responses.set(
          status,
          schema
            ? responseAjv.compile(rewriteRefs(schema) as object)
            : undefined,
        );
      }
      this.compiled.set(op, entry);
    }
  }

  static create(contract: Contract): ContractValidator {
    return new ContractValidator(contract);
  }

  /** The operation a method and path (relative to the capability's base URL) ask for. */
  match(method: string, path: string): ContractMatch {
    const allowed: string[] = [];
    const wanted =
      method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    for (const operation of this.contract.operations) {
      const m = operation.matcher.exec(path);
      if (!m) continue;
      if (operation.method !== wanted) {
        allowed.push(operation.method);
        continue;
      }
      const pathParams: Record<string, string> = {};
      operation.pathParamNames.forEach((name, i) => {
        pathParams[name] = m[i + 1];
      });
      return { kind: 'operation', operation, pathParams };
    }
    return allowed.length > 0
      ? { kind: 'method-not-allowed', allowed }
      : { kind: 'unknown-path' };
  }

  /** Problems with a request (empty when it follows the contract) and its typed values. */
  validateRequest(
    operation: ContractOperation,
    parts: RequestParts,
  ): { problems: ContractProblem[]; request: ValidatedRequest } {
    const entry = this.compiled.get(operation)!;
    const problems: ContractProblem[] = [];
    const run = (
      location: string,
      validate: ValidateFunction | undefined,
      data: Record<string, unknown>,
    ) => {
      if (validate && !validate(data)) {
        for (const error of validate.errors ?? []) {
          const { field, message } = describe(error);
          problems.push({
            in: location,
            field: location === 'body' ? field : field.replace(/^\//, ''),
            message,
          });
        }
      }
      return data;
    };
    const decode = (value: string) => {
      try {
        return decodeURIComponent(value);
      } catch {
        problems.push({
          in: 'path',
          field: value,
          message: 'is not valid percent-encoding',
        });
        return value;
      }
    };
    const params = run(
      'path',
      entry.path,
      Object.fromEntries(
        Object.entries(parts.pathParams).map(([k, v]) => [k, decode(v)]),
      ),
    );
    const declaredQuery = operation.parameters
      .filter(p => p.in === 'query')
      .map(p => p.name);
    const query = run(
      'query',
      entry.query,
      Object.fromEntries(
        declaredQuery
          .filter(n => parts.query[n] !== undefined)
          .map(n => [n, parts.query[n]]),
      ),
    );
    const headerNames = operation.parameters
      .filter(p => p.in === 'header')
      .map(p => p.name);
    const headers = run(
      'header',
      entry.header,
      Object.fromEntries(
        headerNames
          .map(n => [n, parts.header(n)] as const)
          .filter(([, v]) => v !== undefined),
      ),
    );
    let body: unknown = parts.body;
    if (operation.requestBody) {
      if (!parts.hasBody) {
        if (operation.requestBody.required) {
          problems.push({
            in: 'body',
            field: '/',
            message: 'a JSON body is required',
          });
        }
        body = undefined;
      } else {
        if (entry.body && !entry.body(body)) {
          for (const error of entry.body.errors ?? []) {
            problems.push({ in: 'body', ...describe(error) });
          }
        }
      }
    }
    return { problems, request: { params, query, headers, body } };
  }

  /** Problems with a response (empty when the contract declares its status and its body matches). */
  validateResponse(
    operation: ContractOperation,
    status: number,
    body: unknown,
  ): ContractProblem[] {
    const entry = this.compiled.get(operation)!;
    const key = entry.responses.has(String(status))
      ? String(status)
      : 'default';
    if (!entry.responses.has(key)) {
      return [
        {
          in: 'status',
          field: String(status),
          message: `${operation.operationId} declares no ${status} response`,
        },
      ];
    }
    const validate = entry.responses.get(key);
    if (validate && !validate(body)) {
      return (validate.errors ?? []).map(error => ({
        in: 'response',
        ...describe(error),
      }));
    }
    return [];
  }
}
