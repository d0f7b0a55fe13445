import {
  CapabilityClient,
  EnvironmentFlagSource,
  loadContract,
  JsonLineLogger,
  RequestLogLine,
} from '@internal/stackpro-runtime';
import request from 'supertest';
import {
  DEFAULT_CONTRACTS_DIRECTORY,
  StackProSandbox,
} from './StackProSandbox';

const ADMIN_TOKEN = 'test-admin-token';
const TENANT = { 'X-Tenant-Id': 'acme' };

/** Flags as environment variables (seed 002's last source), changed by the tests at will. */
const env: Record<string, string | undefined> = {};
const lines: RequestLogLine[] = [];
let sandbox: StackProSandbox;
let http: ReturnType<typeof request>;

beforeAll(async () => {
  sandbox = await StackProSandbox.start({
    port: 0,
    flags: EnvironmentFlagSource.create(env),
    adminToken: ADMIN_TOKEN,
    // a breaker that opens after two failures, so the test sees it without waiting
    breaker: { failureThreshold: 2, cooldownMs: 60_000 },
    requestLog: JsonLineLogger.create({
      write: line => lines.push(JSON.parse(line)),
    }),
    logger: JsonLineLogger.create({ write: () => {} }),
  });
  http = request(sandbox.baseUrl);
});

afterAll(() => sandbox.stop());

beforeEach(() => {
  for (const cap of ['MESSAGING', 'DATALAKE', 'AI', 'BILLING']) {
    env[`CAP_${cap}_ENABLED`] = 'true';
    env[`CAP_${cap}_DEGRADED`] = 'false';
    env[`CAP_${cap}_VERSION`] = 'v1';
  }
  for (const cap of sandbox.capabilities()) sandbox.resetFaults(cap);
  lines.length = 0;
});

describe('the contract', () => {
  it("serves each capability's health in the contract's shape", async () => {
    for (const cap of ['messaging', 'datalake', 'ai', 'billing']) {
      const res = await http.get(`/${cap}/v1/health`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        capability: cap,
        version: '1.0.0',
        flags: { enabled: true, version: 'v1', forcedDegraded: false },
        degraded: false,
      });
      expect(res.body.checks).toEqual(
        expect.arrayContaining([{ name: 'flags', status: 'ok' }]),
      );
    }
  });

  it("answers a request that breaks the contract with a 400 in the contract's error shape, naming the fields", async () => {
    const res = await http
      .post('/messaging/v1/threads')
      .set(TENANT)
      .send({ subject: '', participantIds: [] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('does not follow the contract'),
        details: {
          fields: expect.arrayContaining([
            {
              in: 'body',
              field: '/subject',
              message: 'must NOT have fewer than 1 characters',
            },
            {
              in: 'body',
              field: '/participantIds',
              message: 'must NOT have fewer than 1 items',
            },
          ]),
        },
        requestId: res.headers['x-request-id'],
      },
      degraded: false,
    });

    const noTenant = await http.get('/messaging/v1/threads');
    expect(noTenant.status).toBe(400);
    expect(noTenant.body.error.details.fields).toEqual([
      { in: 'header', field: 'X-Tenant-Id', message: 'is required' },
    ]);

    const badLimit = await http
      .get('/billing/v1/customers?limit=1000')
      .set(TENANT);
    expect(badLimit.body.error.details.fields).toEqual([
      { in: 'query', field: 'limit', message: 'must be <= 100' },
    ]);

    const badTenant = await http
      .get('/ai/v1/models')
      .set('X-Tenant-Id', 'ACME!');
    expect(badTenant.status).toBe(400);
  });

  it('refuses malformed JSON, a body that is not JSON, unknown routes and wrong methods in the same shape', async () => {
    const malformed = await http
      .post('/ai/v1/completions')
      .set(TENANT)
      .set('Content-Type', 'application/json')
      .send('{"messages": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      error: { code: 'MALFORMED_JSON' },
      degraded: false,
    });

    const text = await http
      .post('/ai/v1/completions')
      .set(TENANT)
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const unknown = await http.get('/messaging/v2/threads').set(TENANT);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      error: { code: 'NOT_FOUND', requestId: expect.any(String) },
      degraded: false,
    });

    const wrongMethod = await http.delete('/messaging/v1/threads').set(TENANT);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, POST');

    const noCapability = await http.get('/payments/v1/health');
    expect(noCapability.status).toBe(404);
  });

  it('serves messaging: threads, idempotent messages, pages', async () => {
    const thread = await http
      .post('/messaging/v1/threads')
      .set(TENANT)
      .send({ subject: 'Order 42', participantIds: ['u1', 'u2'] });
    expect(thread.status).toBe(201);
    const threadId = thread.body.thread.id;
    const send = () =>
      http
        .post('/messaging/v1/messages')
        .set(TENANT)
        .send({ threadId, body: 'Shipped today', clientMessageId: 'c-1' });
    const first = await send();
    const retry = await send();
    expect(first.status).toBe(201);
    expect(retry.body.message.id).toBe(first.body.message.id);
    const messages = await http
      .get(`/messaging/v1/threads/${threadId}/messages`)
      .set(TENANT);
    expect(messages.body).toMatchObject({
      messages: [{ body: 'Shipped today', status: 'sent' }],
      degraded: false,
    });
    const other = await http
      .get(`/messaging/v1/threads/${threadId}/messages`)
      .set('X-Tenant-Id', 'globex');
    expect(other.status).toBe(404);

    await http
      .post('/messaging/v1/threads')
      .set(TENANT)
      .send({ subject: 'Second', participantIds: ['u1'] });
    const page1 = await http.get('/messaging/v1/threads?limit=1').set(TENANT);
    expect(page1.body.threads).toHaveLength(1);
    const page2 = await http
      .get(`/messaging/v1/threads?limit=1&cursor=${page1.body.nextCursor}`)
      .set(TENANT);
    expect(page2.body.threads).toHaveLength(1);
    expect(page2.body.nextCursor).toBeUndefined();
    const badCursor = await http
      .get('/messaging/v1/threads?cursor=nope')
      .set(TENANT);
    expect(badCursor.status).toBe(400);
  });

  it('serves the data lake: datasets, background ingestion with rejections, queries', async () => {
    const created = await http
      .post('/datalake/v1/datasets')
      .set(TENANT)
      .send({
        name: 'orders',
        fields: [
          { name: 'id', type: 'integer', nullable: false },
          { name: 'country', type: 'string' },
          { name: 'total', type: 'number' },
        ],
      });
    expect(created.status).toBe(201);
    expect(
      (
        await http
          .post('/datalake/v1/datasets')
          .set(TENANT)
          .send({ name: 'orders', fields: [{ name: 'id', type: 'integer' }] })
      ).status,
    ).toBe(409);
    const ingest = await http
      .post('/datalake/v1/datasets/ds_orders/ingest')
      .set(TENANT)
      .send({
        records: [
          { id: 1, country: 'DE', total: 10 },
          { id: 2, country: 'FR', total: 25.5 },
          { id: 'three', country: 'DE' },
        ],
      });
    expect(ingest.status).toBe(202);
    await new Promise(resolve => setTimeout(resolve, 20));
    const done = await http
      .get(`/datalake/v1/ingestions/${ingest.body.ingestion.id}`)
      .set(TENANT);
    expect(done.body.ingestion).toMatchObject({
      status: 'partially_failed',
      acceptedRecords: 2,
      rejectedRecords: 1,
      rejections: [{ index: 2 }],
    });
    const query = await http
      .post('/datalake/v1/query')
      .set(TENANT)
      .send({
        datasetId: 'ds_orders',
        select: ['id', 'total'],
        filters: [{ field: 'total', op: 'gt', value: 5 }],
        orderBy: [{ field: 'total', direction: 'desc' }],
      });
    expect(query.status).toBe(200);
    expect(query.body).toMatchObject({
      rows: [
        { id: 2, total: 25.5 },
        { id: 1, total: 10 },
      ],
      stats: { scannedRecords: 2 },
      degraded: false,
    });
    const unknownField = await http
      .post('/datalake/v1/query')
      .set(TENANT)
      .send({
        datasetId: 'ds_orders',
        filters: [{ field: 'nope', op: 'eq', value: 1 }],
      });
    expect(unknownField.status).toBe(400);
  });

  it('serves AI: models, completions, embeddings', async () => {
    const models = await http.get('/ai/v1/models?kind=embedding').set(TENANT);
    expect(models.body.models.map((m: any) => m.id)).toEqual([
      'titan-embed-text-v2',
      'sandbox-embed-small',
    ]);
    const completion = await http
      .post('/ai/v1/completions')
      .set(TENANT)
      .send({
        messages: [{ role: 'user', content: 'Summarise the thread please' }],
        maxTokens: 2,
      });
    expect(completion.body).toMatchObject({
      completion: { model: 'claude-3-haiku', finishReason: 'length' },
      degraded: false,
    });
    const embeddings = await http
      .post('/ai/v1/embeddings')
      .set(TENANT)
      .send({ input: ['a', 'a'] });
    expect(embeddings.body.embeddings[0].vector).toEqual(
      embeddings.body.embeddings[1].vector,
    );
    expect(
      (
        await http
          .post('/ai/v1/completions')
          .set(TENANT)
          .send({ model: 'gpt-x', messages: [{ role: 'user', content: 'x' }] })
      ).status,
    ).toBe(400);
    expect((await http.get('/ai/v1/models/gpt-x').set(TENANT)).status).toBe(
      404,
    );
  });

  it('serves billing: idempotent creation, invoices with tax, usage, cancellation', async () => {
    const key = { ...TENANT, 'Idempotency-Key': 'key-customer-1' };
    const customer = await http
      .post('/billing/v1/customers')
      .set(key)
      .send({
        name: 'Acme GmbH',
        email: 'billing@acme.example',
        currency: 'EUR',
        address: { country: 'DE' },
      });
    expect(customer.status).toBe(201);
    const again = await http
      .post('/billing/v1/customers')
      .set(key)
      .send({
        name: 'Acme GmbH',
        email: 'billing@acme.example',
        currency: 'EUR',
        address: { country: 'DE' },
      });
    expect(again.body.customer.id).toBe(customer.body.customer.id);
    const reused = await http
      .post('/billing/v1/customers')
      .set(key)
      .send({ name: 'Other', email: 'o@acme.example', currency: 'EUR' });
    expect(reused.status).toBe(409);
    const noKey = await http
      .post('/billing/v1/customers')
      .set(TENANT)
      .send({ name: 'x', email: 'x@acme.example', currency: 'EUR' });
    expect(noKey.status).toBe(400);

    const sub = await http
      .post('/billing/v1/subscriptions')
      .set({ ...TENANT, 'Idempotency-Key': 'key-sub-1' })
      .send({
        customerId: customer.body.customer.id,
        planId: 'pro-monthly',
        quantity: 2,
      });
    expect(sub.status).toBe(201);
    const invoices = await http
      .get(`/billing/v1/invoices?customerId=${customer.body.customer.id}`)
      .set(TENANT);
    expect(invoices.body.invoices[0]).toMatchObject({
      subtotal: 9800,
      tax: 1862,
      total: 11662,
      currency: 'EUR',
      status: 'open',
    });
    const usage = await http
      .post('/billing/v1/usage-records')
      .set({ ...TENANT, 'Idempotency-Key': 'key-use-1' })
      .send({
        subscriptionId: sub.body.subscription.id,
        metric: 'api_calls',
        quantity: 120,
      });
    expect(usage.status).toBe(201);
    const cancel = await http
      .post(`/billing/v1/subscriptions/${sub.body.subscription.id}/cancel`)
      .set({ ...TENANT, 'Idempotency-Key': 'key-cancel-1' })
      .send({ atPeriodEnd: false });
    expect(cancel.body.subscription).toMatchObject({ status: 'canceled' });
    const late = await http
      .post('/billing/v1/usage-records')
      .set({ ...TENANT, 'Idempotency-Key': 'key-use-2' })
      .send({
        subscriptionId: sub.body.subscription.id,
        metric: 'api_calls',
        quantity: 1,
      });
    expect(late.status).toBe(409);
  });
});

describe('flags', () => {
  it("answers as a disabled capability, in the contract's shape, when CAP_<X>_ENABLED is off", async () => {
    env.CAP_BILLING_ENABLED = 'false';
    const res = await http.get('/billing/v1/invoices').set(TENANT);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).toMatchObject({
      error: {
        code: 'CAPABILITY_DISABLED',
        details: { flag: 'CAP_BILLING_ENABLED' },
      },
      degraded: true,
    });
    const health = await http.get('/billing/v1/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'down',
      degraded: true,
      flags: { enabled: false },
    });
    // the others are untouched
    expect((await http.get('/ai/v1/models').set(TENANT)).status).toBe(200);
  });

  it("keeps the contract's shape with degraded: true on every answer while CAP_<X>_DEGRADED is on, and uses the fallbacks", async () => {
    const thread = await http
      .post('/messaging/v1/threads')
      .set(TENANT)
      .send({ subject: 'Degraded', participantIds: ['u1'] });
    const list = await http
      .get('/messaging/v1/threads?participantId=u1')
      .set(TENANT);
    expect(list.body.degraded).toBe(false);

    env.CAP_MESSAGING_DEGRADED = 'true';
    const health = await http.get('/messaging/v1/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'degraded',
      degraded: true,
      flags: { forcedDegraded: true },
    });
    // reads: the last good copy
    const cached = await http
      .get('/messaging/v1/threads?participantId=u1')
      .set(TENANT);
    expect(cached.status).toBe(200);
    expect(cached.body).toEqual({ ...list.body, degraded: true });
    // a read never made before has no fallback: 503, still in shape
    const uncached = await http
      .get('/messaging/v1/threads?participantId=u9')
      .set(TENANT);
    expect(uncached.status).toBe(503);
    expect(uncached.body).toMatchObject({
      error: { code: 'DEPENDENCY_UNAVAILABLE' },
      degraded: true,
    });
    // writes: the outbox
    const parked = await http
      .post('/messaging/v1/messages')
      .set(TENANT)
      .send({ threadId: thread.body.thread.id, body: 'later' });
    expect(parked.status).toBe(202);
    expect(parked.body).toMatchObject({
      message: { status: 'pending' },
      degraded: true,
    });
    // even a refused request says degraded
    expect(
      (await http.post('/messaging/v1/threads').set(TENANT).send({})).body
        .degraded,
    ).toBe(true);

    env.CAP_MESSAGING_DEGRADED = 'false';
    const delivered = await http
      .get(`/messaging/v1/threads/${thread.body.thread.id}/messages`)
      .set(TENANT);
    expect(delivered.body).toMatchObject({
      messages: [{ body: 'later', status: 'sent' }],
      degraded: false,
    });
  });

  it('reports the version from CAP_<X>_VERSION', async () => {
    env.CAP_AI_VERSION = 'v2';
    expect((await http.get('/ai/v1/health')).body.flags.version).toBe('v2');
  });
});

describe('dependencies and the fault knob', () => {
  it('answers from fallbacks when a dependency is down, and opens its breaker', async () => {
    await http
      .post('/datalake/v1/datasets')
      .set(TENANT)
      .send({ name: 'events', fields: [{ name: 'kind', type: 'string' }] });
    const q = { datasetId: 'ds_events' };
    const fresh = await http.post('/datalake/v1/query').set(TENANT).send(q);
    sandbox.setFaults('datalake', { downDependencies: ['query-engine'] });
    sandbox.setFaults('ai', { downDependencies: ['model-provider'] });

    const snapshot = await http.post('/datalake/v1/query').set(TENANT).send(q);
    expect(snapshot.status).toBe(200);
    expect(snapshot.body).toMatchObject({
      columns: fresh.body.columns,
      degraded: true,
      asOf: expect.any(String),
    });
    const complete = () =>
      http
        .post('/ai/v1/completions')
        .set(TENANT)
        .send({ messages: [{ role: 'user', content: 'hi' }] });
    expect((await complete()).body).toMatchObject({
      completion: { model: 'sandbox-small' },
      degraded: true,
    });
    // a second failure opens the breaker (threshold 2 here); the stand-in goes on answering
    expect((await complete()).body).toMatchObject({
      completion: { model: 'sandbox-small' },
      degraded: true,
    });
    const health = await http.get('/ai/v1/health');
    expect(health.body).toMatchObject({ status: 'degraded', degraded: true });
    expect(health.body.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'model-provider', status: 'down' }),
      ]),
    );
    expect(sandbox.runtime('ai').breakerOpen()).toBe(true);
  });

  it('fails the share of answers the knob asks for, health included, and adds latency', async () => {
    sandbox.setFaults('billing', { errorRate: 1, latencyMs: 30 });
    const started = Date.now();
    const res = await http.get('/billing/v1/customers').set(TENANT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({
      error: { code: 'INTERNAL_ERROR' },
      degraded: false,
    });
    const health = await http.get('/billing/v1/health');
    expect(health.status).toBe(503);
    expect(health.body.checks).toEqual(
      expect.arrayContaining([{ name: 'injected-fault', status: 'down' }]),
    );

    sandbox.setFaults('billing', { errorRate: 0.5, latencyMs: 0 });
    // 100 answers on one kept-alive connection: about half fail (6 standard deviations of margin)
    let failed = 0;
    for (let i = 0; i < 100; i++) {
      const answer = await fetch(`${sandbox.url('billing')}/v1/health`);
      await answer.arrayBuffer();
      if (answer.status === 503) failed += 1;
    }
    expect(failed).toBeGreaterThan(20);
    expect(failed).toBeLessThan(80);
  }, 30_000);

  it('is set over HTTP with the admin token, and refuses everyone else and bad settings', async () => {
    const put = (body: object, token = ADMIN_TOKEN) =>
      http
        .put('/admin/faults/messaging')
        .set('Authorization', `Bearer ${token}`)
        .send(body);
    expect((await put({ errorRate: 0.05 }, 'wrong')).status).toBe(401);
    expect((await http.get('/admin/faults')).status).toBe(401);
    const ok = await put({ errorRate: 0.05, latencyMs: 100 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      capability: 'messaging',
      faults: { errorRate: 0.05, latencyMs: 100 },
      dependencies: ['dynamodb'],
    });
    expect(sandbox.runtime('messaging').faults.get().errorRate).toBe(0.05);
    for (const bad of [
      { errorRate: 5 },
      { latencyMs: -1 },
      { downDependencies: ['nope'] },
      { colour: 'red' },
    ]) {
      const res = await put(bad);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /errorRate|latencyMs|downDependencies|colour/,
      );
    }
    // nothing half applied
    expect(sandbox.runtime('messaging').faults.get()).toMatchObject({
      errorRate: 0.05,
      latencyMs: 100,
    });
    const cleared = await http
      .delete('/admin/faults/messaging')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(cleared.body.faults).toEqual({
      latencyMs: 0,
      latencyJitterMs: 0,
      errorRate: 0,
      downDependencies: [],
    });
    expect(
      (
        await http
          .put('/admin/faults/payments')
          .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
          .send({})
      ).status,
    ).toBe(404);
  });
});

describe('the observability middleware', () => {
  it("writes seed 002's structured log line per request", async () => {
    const res = await http.get('/messaging/v1/threads').set(TENANT);
    const line = lines.find(l => l.trace_id === res.headers['x-request-id']);
    expect(line).toEqual({
      timestamp: expect.any(String),
      level: 'info',
      message: 'GET /v1/threads 200',
      capability: 'messaging',
      route: '/v1/threads',
      method: 'GET',
      status: 200,
      tenantId: 'acme',
      latency_ms: expect.any(Number),
      degraded: false,
      trace_id: res.headers['x-request-id'],
    });
  });
});

describe('the SDK with degraded fallback', () => {
  const contract = () =>
    loadContract(`${DEFAULT_CONTRACTS_DIRECTORY}/messaging/v1.yaml`);

  it('answers from the capability, and never throws when it cannot', async () => {
    const client = CapabilityClient.create({
      contract: contract(),
      baseUrl: sandbox.url('messaging'),
      tenantId: 'acme',
    });
    const created = await client.call('createThread', {
      body: { subject: 'SDK', participantIds: ['u1'] },
    });
    expect(created).toMatchObject({ status: 201, degraded: false });
    const list = await client.call('listThreads', { query: { limit: 1 } });
    expect(list.body.threads).toHaveLength(1);

    env.CAP_MESSAGING_ENABLED = 'false';
    const disabled = await client.call('listThreads');
    expect(disabled).toMatchObject({
      status: 503,
      degraded: true,
      body: { error: { code: 'CAPABILITY_DISABLED' } },
    });

    const unreachable = CapabilityClient.create({
      contract: contract(),
      baseUrl: 'http://127.0.0.1:1/messaging',
      tenantId: 'acme',
      timeoutMs: 500,
    });
    // seed 002: { threads: [], degraded: true } instead of an exception
    expect(await unreachable.call('listThreads')).toMatchObject({
      status: 0,
      degraded: true,
      body: { threads: [], degraded: true, error: { code: 'UNREACHABLE' } },
    });
  });
});
