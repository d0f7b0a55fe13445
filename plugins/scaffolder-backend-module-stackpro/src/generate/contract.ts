import { InputError } from '@backstage/errors';
import { camel, pascal, singular } from './names';

/** One of the capability's first endpoints, as the template's form gives it. */
export interface EndpointInput {
  method: string;
  path: string;
  summary?: string;
}

export type OperationKind = 'list' | 'create' | 'get';

/** The shapes a first endpoint may take; anything else is refused with this sentence. */
const ENDPOINT_SHAPES =
  'GET /v1/<collection> (list), POST /v1/<collection> (create) or GET /v1/<collection>/{id} (read one), where <collection> is lowercase letters, digits and dashes';
const COLLECTION_PATH = /^\/v1\/([a-z][a-z0-9-]{0,40})(\/\{id\})?$/;

export interface PlannedOperation {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  kind: OperationKind;
  /** the URL segment: `line-items` */
  segment: string;
  /** the list's property in the answer: `lineItems` */
  collection: string;
}

/** Checks the endpoints and names their operations; refuses duplicates and shapes it cannot generate. */
export function planOperations(endpoints: EndpointInput[]): PlannedOperation[] {
  if (!endpoints.length)
    throw new InputError('Give the capability at least one endpoint');
  const seen = new Set<string>();
  return endpoints.map((endpoint, i) => {
    const method = endpoint.method.trim().toLowerCase();
    const path = endpoint.path.trim();
    const where = `Endpoint ${i + 1} (${endpoint.method} ${endpoint.path})`;
    if (path === '/v1/health') {
      throw new InputError(
        `${where}: GET /v1/health is generated for every capability; leave it out`,
      );
    }
    const match = COLLECTION_PATH.exec(path);
    if (!match || (method !== 'get' && method !== 'post')) {
      throw new InputError(
        `${where} is not one the template can generate: use ${ENDPOINT_SHAPES}`,
      );
    }
    const [, segment, one] = match;
    let kind: OperationKind = 'list';
    if (one) kind = 'get';
    else if (method === 'post') kind = 'create';
    if (one && method !== 'get') {
      throw new InputError(
        `${where}: only GET is generated on /v1/<collection>/{id}; ${ENDPOINT_SHAPES}`,
      );
    }
    const key = `${method} ${path}`;
    if (seen.has(key)) throw new InputError(`${where} is listed twice`);
    seen.add(key);
    const noun = pascal(singular(segment));
    const operationId = {
      list: `list${pascal(segment)}`,
      create: `create${noun}`,
      get: `get${noun}`,
    }[kind];
    const defaultSummary = {
      list: `List ${segment.replace(/-/g, ' ')}`,
      create: `Create a ${singular(segment).replace(/-/g, ' ')}`,
      get: `Read one ${singular(segment).replace(/-/g, ' ')}`,
    }[kind];
    return {
      method,
      path,
      operationId,
      summary: endpoint.summary?.trim() || defaultSummary,
      kind,
      segment,
      collection: camel(segment),
    };
  });
}

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'BadRequest',
  '401': 'Unauthorized',
  '404': 'NotFound',
  '500': 'InternalError',
  '503': 'ServiceUnavailable',
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponses = (codes: string[]) =>
  Object.fromEntries(
    codes.map(code => [
      code,
      { $ref: `#/components/responses/${ERROR_RESPONSES[code]}` },
    ]),
  );

/**
 * The capability's OpenAPI 3.0.3 contract (seed 002): every path under
 * /v1/, a GET /v1/health without credentials, `degraded` required in every
 * answer, one Error shape, the tenant in X-Tenant-Id, JWT bearer auth.
 * Each operation carries `x-stackpro-kind` and `x-stackpro-collection`,
 * from which the handler's routes are generated.
 */
export function buildContract(options: {
  name: string;
  title: string;
  description: string;
  operations: PlannedOperation[];
}): Record<string, unknown> {
  const { operations } = options;
  const schemas: Record<string, unknown> = {
    Item: {
      type: 'object',
      required: ['id', 'name', 'createdAt'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        createdAt: { type: 'string', format: 'date-time' },
      },
    },
    CreateItemRequest: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    Health: {
      type: 'object',
      required: ['status', 'capability', 'version', 'degraded'],
      properties: {
        status: { type: 'string', enum: ['ok', 'degraded', 'disabled'] },
        capability: { type: 'string' },
        version: { type: 'string' },
        breakerOpen: { type: 'boolean' },
        degraded: {
          type: 'boolean',
          description: 'True if the capability is in degraded mode',
        },
      },
    },
    Error: {
      type: 'object',
      required: ['error', 'degraded'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message', 'requestId'],
          properties: {
            code: { type: 'string' },
            message: { type: 'string' },
            details: { type: 'object', additionalProperties: true },
            requestId: { type: 'string' },
          },
        },
        degraded: { type: 'boolean' },
      },
    },
  };
  const paths: Record<string, Record<string, unknown>> = {
    '/v1/health': {
      get: {
        operationId: 'getHealth',
        summary: `Health of the ${options.name} capability`,
        tags: ['health'],
        security: [],
        responses: {
          '200': {
            description: 'The capability answers',
            content: json(ref('Health')),
          },
        },
      },
    },
  };
  for (const op of operations) {
    const answer = `${pascal(op.operationId)}Response`;
    schemas[answer] =
      op.kind === 'list'
        ? {
            type: 'object',
            required: [op.collection, 'degraded'],
            properties: {
              [op.collection]: { type: 'array', items: ref('Item') },
              degraded: { type: 'boolean' },
            },
          }
        : {
            type: 'object',
            required: ['item', 'degraded'],
            properties: { item: ref('Item'), degraded: { type: 'boolean' } },
          };
    const operation: Record<string, unknown> = {
      operationId: op.operationId,
      summary: op.summary,
      tags: [op.segment],
      'x-stackpro-kind': op.kind,
      'x-stackpro-collection': op.collection,
      parameters: [
        { $ref: '#/components/parameters/TenantId' },
        ...(op.kind === 'get'
          ? [
              {
                name: 'id',
                in: 'path',
                required: true,
                schema: { type: 'string' },
              },
            ]
          : []),
      ],
      responses: {
        [op.kind === 'create' ? '201' : '200']: {
          description: 'Success',
          content: json(ref(answer)),
        },
        ...errorResponses(
          op.kind === 'get'
            ? ['400', '401', '404', '500', '503']
            : ['400', '401', '500', '503'],
        ),
      },
    };
    if (op.kind === 'create') {
      operation.requestBody = {
        required: true,
        content: json(ref('CreateItemRequest')),
      };
    }
    paths[op.path] = { ...paths[op.path], [op.method]: operation };
  }
  const response = (description: string) => ({
    description,
    content: json(ref('Error')),
  });
  return {
    openapi: '3.0.3',
    info: {
      // the form's example title is "StackPro Search": never "StackPro StackPro Search API"
      title: /^StackPro\b/.test(options.title)
        ? `${options.title} API`
        : `StackPro ${options.title} API`,
      version: '1.0.0',
      description: options.description,
    },
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      parameters: {
        TenantId: {
          name: 'X-Tenant-Id',
          in: 'header',
          required: true,
          schema: { type: 'string' },
        },
      },
      responses: {
        BadRequest: response('The request is not valid'),
        Unauthorized: response('No valid credentials'),
        NotFound: response('No such item'),
        InternalError: response('The capability failed'),
        ServiceUnavailable: response('The capability is off or degraded'),
      },
      schemas,
    },
  };
}
