import { InputError } from '@backstage/errors';
import { pascal } from './names';

type Schema = {
  $ref?: string;
  type?: string;
  enum?: string[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
};

interface ContractOperation {
  operationId: string;
  method: string;
  path: string;
  summary?: string;
  isPublic: boolean;
  pathParams: string[];
  bodySchema?: string;
  answerSchema: string;
  kind?: string;
  collection?: string;
}

const HEADER =
  '// Generated from contracts/v1.yaml by Stack Portal (New capability template).\n// Regenerate it when the contract changes; do not edit by hand.\n';

const refName = (ref: string) => ref.replace(/^#\/components\/schemas\//, '');

/** The operations of an OpenAPI contract: method, path, parameters, body and success answer. */
export function readOperations(contract: any): ContractOperation[] {
  const operations: ContractOperation[] = [];
  const globalSecurity = contract.security ?? [];
  for (const [path, item] of Object.entries<any>(contract.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item?.[method];
      if (!op) continue;
      if (!op.operationId)
        throw new InputError(
          `${method.toUpperCase()} ${path} has no operationId`,
        );
      const success = Object.entries<any>(op.responses ?? {}).find(([status]) =>
        /^2/.test(status),
      )?.[1];
      const answerRef = success?.content?.['application/json']?.schema?.$ref;
      if (!answerRef) {
        throw new InputError(
          `${op.operationId}: its success answer must be a $ref to a schema`,
        );
      }
      const bodyRef =
        op.requestBody?.content?.['application/json']?.schema?.$ref;
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        summary: op.summary,
        isPublic: Array.isArray(op.security)
          ? op.security.length === 0
          : globalSecurity.length === 0,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map(m => m[1]),
        bodySchema: bodyRef ? refName(bodyRef) : undefined,
        answerSchema: refName(answerRef),
        kind: op['x-stackpro-kind'],
        collection: op['x-stackpro-collection'],
      });
    }
  }
  return operations;
}

function typeOf(schema: Schema | undefined, indent: string): string {
  if (!schema) return 'unknown';
  if (schema.$ref) return refName(schema.$ref);
  if (schema.enum) return schema.enum.map(v => JSON.stringify(v)).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return `Array<${typeOf(schema.items, indent)}>`;
    case 'object':
      if (!schema.properties) return 'Record<string, unknown>';
      return `{\n${Object.entries(schema.properties)
        .map(
          ([name, prop]) =>
            `${indent}  ${name}${
              schema.required?.includes(name) ? '' : '?'
            }: ${typeOf(prop, `${indent}  `)};`,
        )
        .join('\n')}\n${indent}}`;
    default:
      return 'unknown';
  }
}

/** Properties the degraded stand-in fills: the answer's required arrays, empty. */
function fallbackOf(schema: Schema | undefined): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const name of schema?.required ?? []) {
    if (schema?.properties?.[name]?.type === 'array') out[name] = [];
  }
  return out;
}

/**
 * A typed client for the contract, with seed 002's degraded fallback: no
 * method throws; when the capability does not answer, times out or answers
 * without a contract-shaped body, the method resolves to `degraded: true`
 * with the answer's lists empty and an `error` saying why.
 */
export function generateSdk(contract: any, clientName: string): string {
  const schemas: Record<string, Schema> = contract.components?.schemas ?? {};
  const operations = readOperations(contract);
  const lines: string[] = [HEADER];
  lines.push(
    `/** ${contract.info?.title ?? clientName} ${
      contract.info?.version ?? ''
    } */`,
  );
  for (const [name, schema] of Object.entries(schemas)) {
    if (name === 'Error') continue;
    const body = typeOf(schema, '');
    if (schema.type === 'object' && schema.properties) {
      // answers are partial when degraded: only `degraded` and the lists are sure
      lines.push(`export interface ${name} ${body}\n`);
    } else {
      lines.push(`export type ${name} = ${body};\n`);
    }
  }
  lines.push(
    `export interface SdkError {
  code: string;
  message: string;
  requestId?: string;
}

/**
 * What every method resolves to. When \`degraded\` is true the capability could
 * not answer in full: lists are empty, other fields may be missing, and
 * \`error\` says why. \`httpStatus\` is the HTTP status, or 0 when no answer came.
 */
export type Answer<T> = (T | (Partial<T> & { degraded: true })) & {
  degraded: boolean;
  httpStatus: number;
  error?: SdkError;
};

export interface ${clientName}ClientConfig {
  /** The capability's base URL: \`http://127.0.0.1:8080\`. */
  baseUrl: string;
  /** Sent as X-Tenant-Id on every call but the public ones. */
  tenantId?: string;
  /** A bearer token (the contract's JWT scheme), asked for on each call. */
  getAuthToken?: () => Promise<string | undefined> | string | undefined;
  /** Each call gives up after this many milliseconds (default 5000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}
`,
  );
  lines.push(`const FALLBACKS: Record<string, Record<string, unknown[]>> = ${JSON.stringify(
    Object.fromEntries(
      operations.map(op => [
        op.operationId,
        fallbackOf(schemas[op.answerSchema]),
      ]),
    ),
    null,
    2,
  )};

async function call<T>(
  config: ${clientName}ClientConfig,
  operationId: string,
  request: { method: string; path: string; isPublic: boolean; body?: unknown },
): Promise<Answer<T>> {
  const degraded = (code: string, message: string, status = 0) =>
    ({ ...FALLBACKS[operationId], degraded: true, httpStatus: status, error: { code, message } }) as Answer<T>;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (config.tenantId && !request.isPublic) headers['X-Tenant-Id'] = config.tenantId;
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  let text: string;
  let status: number;
  try {
    const token = await config.getAuthToken?.();
    if (token) headers.Authorization = \`Bearer \${token}\`;
    const response = await (config.fetch ?? fetch)(\`\${config.baseUrl.replace(/\\/+$/, '')}\${request.path}\`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(config.timeoutMs ?? 5000),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return degraded('UNREACHABLE', \`\${operationId} got no answer: \${(error as Error).message}\`);
  }
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!body || typeof body !== 'object' || typeof body.degraded !== 'boolean') {
    return degraded('BAD_ANSWER', \`\${operationId} answered \${status} without a contract-shaped body\`, status);
  }
  if (status >= 400) {
    return { ...FALLBACKS[operationId], ...body, degraded: body.degraded || status >= 500, httpStatus: status } as Answer<T>;
  }
  return { ...body, httpStatus: status } as Answer<T>;
}
`);
  const methods = operations.map(op => {
    const method = op.operationId === 'getHealth' ? 'health' : op.operationId;
    const args = [
      ...op.pathParams.map(p => `${p}: string`),
      ...(op.bodySchema ? [`body: ${op.bodySchema}`] : []),
    ].join(', ');
    const path = op.path.replace(
      /\{([^}]+)\}/g,
      (_m, p) => `\${encodeURIComponent(${p})}`,
    );
    return `    /** ${op.method} ${op.path}${
      op.summary ? `: ${op.summary}` : ''
    } */
    ${method}(${args}): Promise<Answer<${op.answerSchema}>> {
      return call<${op.answerSchema}>(config, '${op.operationId}', {
        method: '${op.method}',
        path: \`${path}\`,
        isPublic: ${op.isPublic},${op.bodySchema ? '\n        body,' : ''}
      });
    },`;
  });
  lines.push(`/** The ${clientName} client: one method per operation of the contract; none throws. */
export function create${clientName}Client(config: ${clientName}ClientConfig) {
  return {
${methods.join('\n')}
  };
}
`);
  return lines.join('\n');
}

/** The handler's route table, from the contract's `x-stackpro-*` fields. */
export function generateRoutes(contract: any): string {
  const routes = readOperations(contract)
    .filter(op => op.operationId !== 'getHealth')
    .map(op => {
      if (!op.kind || !op.collection) {
        throw new InputError(
          `${op.operationId} has no x-stackpro-kind / x-stackpro-collection: the handler cannot serve it`,
        );
      }
      return {
        operationId: op.operationId,
        method: op.method,
        path: op.path,
        kind: op.kind,
        collection: op.collection,
      };
    });
  return `${HEADER}import type { RouteSpec } from '../runtime/server.ts';

export const ROUTES: RouteSpec[] = ${JSON.stringify(routes, null, 2)};
`;
}

export const sdkClientName = (name: string) => pascal(name);
