import { buildContract, planOperations } from './contract';
import { capabilityNameProblem } from './names';
import { generateRoutes, generateSdk, readOperations } from './sdk';

describe('capability names', () => {
  it.each(['search', 'search2', 'ai'])('%p is a capability name', name => {
    expect(capabilityNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['Search', /lowercase letters and digits only/],
    ['bad_name', /lowercase letters and digits only/],
    ['2fa', /starting with a letter/],
    ['health', /reserved word/],
    ['stackpro', /reserved word/],
    ['a'.repeat(31), /at most 30/],
  ])('%p is refused', (name, problem) => {
    expect(capabilityNameProblem(name)).toMatch(problem);
  });
});

describe('contract and SDK generation', () => {
  const endpoints = [
    { method: 'GET', path: '/v1/line-items' },
    { method: 'POST', path: '/v1/line-items', summary: 'Add a line item' },
    { method: 'GET', path: '/v1/line-items/{id}' },
  ];

  it('names the operations after the collection', () => {
    expect(
      planOperations(endpoints).map(o => [o.operationId, o.kind, o.collection]),
    ).toEqual([
      ['listLineItems', 'list', 'lineItems'],
      ['createLineItem', 'create', 'lineItems'],
      ['getLineItem', 'get', 'lineItems'],
    ]);
  });

  it.each([
    [[], /at least one endpoint/],
    [[{ method: 'GET', path: '/v1/health' }], /generated for every capability/],
    [
      [{ method: 'DELETE', path: '/v1/items' }],
      /is not one the template can generate/,
    ],
    [
      [{ method: 'GET', path: '/v2/items' }],
      /is not one the template can generate/,
    ],
    [
      [{ method: 'POST', path: '/v1/items/{id}' }],
      /is not one the template can generate|only GET/,
    ],
    [
      [
        { method: 'GET', path: '/v1/items' },
        { method: 'get', path: '/v1/items' },
      ],
      /listed twice/,
    ],
  ])('refuses %j', (input, message) => {
    expect(() => planOperations(input)).toThrow(message);
  });

  it.each([
    ['Billing', 'StackPro Billing API'],
    ['StackPro Search', 'StackPro Search API'],
  ])('titles the contract of %j as %j', (title, expected) => {
    const contract = buildContract({
      name: 'billing',
      title,
      description: 'Invoices',
      operations: planOperations(endpoints),
    }) as any;
    expect(contract.info.title).toBe(expected);
  });

  it('writes a seed-002 contract and an SDK and routes read back from it', () => {
    const contract = buildContract({
      name: 'billing',
      title: 'Billing',
      description: 'Invoices',
      operations: planOperations(endpoints),
    }) as any;
    expect(contract.paths['/v1/health'].get.security).toEqual([]);
    for (const [path, item] of Object.entries<any>(contract.paths)) {
      expect(path).toMatch(/^\/v1\//);
      for (const op of Object.values<any>(item)) {
        const ok = Object.entries<any>(op.responses).find(([s]) =>
          /^2/.test(s),
        )![1];
        const name = ok.content['application/json'].schema.$ref
          .split('/')
          .pop();
        expect(contract.components.schemas[name].required).toContain(
          'degraded',
        );
      }
    }
    expect(
      readOperations(contract).map(o => [o.operationId, o.isPublic]),
    ).toEqual([
      ['getHealth', true],
      ['listLineItems', false],
      ['createLineItem', false],
      ['getLineItem', false],
    ]);
    const sdk = generateSdk(contract, 'Billing');
    expect(sdk).toContain(
      'export function createBillingClient(config: BillingClientConfig)',
    );
    expect(sdk).toContain(
      'listLineItems(): Promise<Answer<ListLineItemsResponse>>',
    );
    expect(sdk).toContain(
      'createLineItem(body: CreateItemRequest): Promise<Answer<CreateLineItemResponse>>',
    );
    expect(sdk).toContain(
      'getLineItem(id: string): Promise<Answer<GetLineItemResponse>>',
    );
    expect(sdk).toContain('"listLineItems": {\n    "lineItems": []\n  }');
    const routes = generateRoutes(contract);
    expect(routes).toContain('"path": "/v1/line-items/{id}"');
    expect(routes).toContain('"kind": "get"');
  });
});
