import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'patch',
  'head',
  'options',
] as const;

/** A parameter of an operation, `$ref`s resolved. */
export interface ContractParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: object;
}

/** One operation of an OpenAPI 3.0 contract, ready to match and validate. */
export interface ContractOperation {
  operationId: string;
  method: string;
  /** The contract's path, e.g. `/v1/threads/{threadId}/messages` (the route named in logs). */
  path: string;
  parameters: ContractParameter[];
  requestBody?: { required: boolean; schema: object };
  /** JSON schema of the body per declared status (`'200'`, `'503'`, `'default'`). */
  responses: Map<string, object | undefined>;
  /** Whether the operation needs credentials (`security: []` means it does not). */
  public: boolean;
  matcher: RegExp;
  pathParamNames: string[];
}

/** A capability's OpenAPI 3.0 contract (`catalog/stackpro/contracts/<capability>/v1.yaml`). */
export interface Contract {
  title: string;
  /** `info.version`, the deployed contract version reported by `/v1/health`. */
  version: string;
  /** The whole document, for `$ref`s into `#/components`. */
  document: Record<string, any>;
  operations: ContractOperation[];
}

function pointer(document: any, ref: string): any {
  if (!ref.startsWith('#/')) {
    throw new Error(`Only local $refs are supported, not ${ref}`);
  }
  return ref
    .slice(2)
    .split('/')
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, part) => {
      if (node === undefined || !(part in node)) {
        throw new Error(`Unresolvable $ref ${ref}`);
      }
      return node[part];
    }, document);
}

function deref<T>(document: any, node: any): T {
  let current = node;
  for (let hops = 0; current && typeof current.$ref === 'string'; hops++) {
    if (hops > 10) throw new Error(`$ref loop at ${node.$ref}`);
    current = pointer(document, current.$ref);
  }
  return current as T;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compilePath(path: string): {
  matcher: RegExp;
  pathParamNames: string[];
} {
  const pathParamNames: string[] = [];
  const source = path
    .split(/(\{[^}]+\})/)
    .map(part => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (param) {
        pathParamNames.push(param[1]);
        return '([^/]+)';
      }
      return escapeRegExp(part);
    })
    .join('');
  return { matcher: new RegExp(`^${source}/?$`), pathParamNames };
}

function jsonSchemaOf(document: any, content: any): object | undefined {
  const media = content?.['application/json'];
  return media?.schema ? deref<object>(document, media.schema) : undefined;
}

/** Reads an OpenAPI 3.0 document into its operations; throws on what it cannot serve. */
export function parseContract(document: Record<string, any>): Contract {
  if (
    typeof document?.openapi !== 'string' ||
    !document.openapi.startsWith('3.')
  ) {
    throw new Error('A capability contract must be an OpenAPI 3 document');
  }
  const operations: ContractOperation[] = [];
  const globalSecurity = document.security ?? [];
  for (const [path, item] of Object.entries<any>(document.paths ?? {})) {
    const shared: any[] = item.parameters ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      if (!op.operationId) {
        throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      }
      const parameters = [...shared, ...(op.parameters ?? [])].map(raw => {
        const p = deref<any>(document, raw);
        return {
          name: p.name,
          in: p.in,
          required: p.in === 'path' ? true : Boolean(p.required),
          schema: p.schema ? deref<object>(document, p.schema) : {},
        } as ContractParameter;
      });
      const body = op.requestBody
        ? deref<any>(document, op.requestBody)
        : undefined;
      const responses = new Map<string, object | undefined>();
      for (const [status, raw] of Object.entries<any>(op.responses ?? {})) {
        responses.set(
          status,
          jsonSchemaOf(document, deref<any>(document, raw).content),
        );
      }
      const security = op.security ?? globalSecurity;
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters,
        requestBody: body
          ? {
              required: Boolean(body.required),
              schema: jsonSchemaOf(document, body.content) ?? {},
            }
          : undefined,
        responses,
        public: security.length === 0,
        ...compilePath(path),
      });
    }
  }
  return {
    title: document.info?.title ?? 'capability',
    version: String(document.info?.version ?? '0.0.0'),
    document,
    operations,
  };
}

/** Reads and parses a contract file (YAML or JSON). */
export function loadContract(file: string): Contract {
  return parseContract(parseYaml(readFileSync(file, 'utf8')));
}
