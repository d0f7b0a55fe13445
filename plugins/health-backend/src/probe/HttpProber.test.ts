import { AddressPolicy } from './AddressPolicy';
import { HttpProber, ProbeOutcome } from './HttpProber';
import {
  selfSignedCertificate,
  stackProHealth,
  startServer,
  TestServer,
} from '../__testUtils__/servers';

const SHORT_TIMEOUT_MS = 300;

function prober(
  options: { allowedHosts?: string[]; maxBodyBytes?: number } = {},
) {
  return HttpProber.create({
    policy: AddressPolicy.create({ allowedHosts: options.allowedHosts }),
    timeoutMs: SHORT_TIMEOUT_MS,
    maxBodyBytes: options.maxBodyBytes,
  });
}

function result(outcome: ProbeOutcome) {
  if (outcome.kind !== 'result') throw new Error(`refused: ${outcome.message}`);
  return outcome.result;
}

describe('HttpProber against real local servers', () => {
  const servers: TestServer[] = [];
  const serve = async (...args: Parameters<typeof startServer>) => {
    const s = await startServer(...args);
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });

  it('reads a healthy StackPro answer as up, with latency, status and version', async () => {
    const s = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(stackProHealth('ok'));
    });
    const outcome = await prober().probe(`${s.url}/v1/health`);
    expect(result(outcome)).toMatchObject({
      status: 'up',
      httpStatus: 200,
      version: '1.0.0',
    });
    expect(result(outcome).latencyMs).toBeGreaterThanOrEqual(0);
    expect(outcome.kind === 'result' && outcome.flags).toEqual({
      enabled: true,
      version: 'v1',
      forcedDegraded: false,
    });
  });

  it('reads degraded: true as degraded, and a disabled capability as disabled', async () => {
    const degraded = await serve((_req, res) =>
      res.end(stackProHealth('degraded', { forcedDegraded: true })),
    );
    expect(result(await prober().probe(degraded.url)).status).toBe('degraded');
    const disabled = await serve((_req, res) => {
      res.statusCode = 503;
      res.end(stackProHealth('down', { enabled: false }));
    });
    expect(result(await prober().probe(disabled.url)).status).toBe('disabled');
  });

  it('reads a 5xx as down and names the failing checks', async () => {
    const s = await serve((_req, res) => {
      res.statusCode = 503;
      res.end(stackProHealth('down'));
    });
    expect(result(await prober().probe(s.url))).toMatchObject({
      status: 'down',
      httpStatus: 503,
      error: 'HTTP 503; failing: flags',
    });
  });

  it('counts a slow answer within the timeout with its latency, and gives up on one past it', async () => {
    const slow = await serve((_req, res) =>
      setTimeout(() => res.end('ok'), 120),
    );
    const r = result(await prober().probe(slow.url));
    expect(r.status).toBe('up');
    expect(r.latencyMs).toBeGreaterThanOrEqual(100);
    const hanging = await serve(() => {});
    const started = Date.now();
    const t = result(await prober().probe(hanging.url));
    expect(t).toMatchObject({
      status: 'down',
      error: `no answer within ${SHORT_TIMEOUT_MS} ms`,
    });
    expect(Date.now() - started).toBeLessThan(SHORT_TIMEOUT_MS + 500);
  });

  it('follows a flapping endpoint probe by probe', async () => {
    let n = 0;
    const s = await serve((_req, res) => {
      res.statusCode = n++ % 2 === 0 ? 200 : 500;
      res.end();
    });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push(result(await prober().probe(s.url)).status);
    expect(statuses).toEqual(['up', 'down', 'up', 'down']);
  });

  it('stops a redirect loop after a few hops', async () => {
    const s = await serve((req, res) => {
      res.statusCode = 302;
      res.setHeader('location', req.url === '/a' ? '/b' : '/a');
      res.end();
    });
    const r = result(await prober().probe(`${s.url}/a`));
    expect(r.status).toBe('down');
    expect(r.error).toMatch(/^more than 3 redirects/);
    expect(s.hits()).toBe(4);
  });

  it('follows no redirect to a metadata address', async () => {
    const s = await serve((_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', 'http://169.254.169.254/latest/meta-data/');
      res.end();
    });
    expect(await prober().probe(s.url)).toEqual({
      kind: 'refused',
      message:
        '169.254.169.254 is a link-local or cloud metadata address: probes never go there',
    });
  });

  it('refuses link-local, metadata and IPv4-mapped metadata addresses without a request', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fd00:ec2::254]/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://100.100.100.200/',
    ]) {
      expect((await prober().probe(url)).kind).toBe('refused');
    }
  });

  it('refuses a host outside the allow-list, and probes one inside it', async () => {
    const s = await serve((_req, res) => res.end('{}'));
    expect(
      await prober({ allowedHosts: ['*.example.com'] }).probe(s.url),
    ).toEqual({
      kind: 'refused',
      message: '127.0.0.1 is not in health.probes.allowedHosts',
    });
    expect(
      result(await prober({ allowedHosts: ['127.0.0.1'] }).probe(s.url)).status,
    ).toBe('up');
  });

  it('stops reading a huge body at the cap', async () => {
    const s = await serve((_req, res) => {
      res.write(Buffer.alloc(64 * 1024, 'x'));
      res.write(Buffer.alloc(64 * 1024, 'x'));
      // never ends: without the cap the probe would wait for the timeout
    });
    const r = result(await prober({ maxBodyBytes: 16 * 1024 }).probe(s.url));
    expect(r).toMatchObject({
      status: 'down',
      error: 'the answer is larger than 16384 bytes; not read past that',
    });
    expect(r.latencyMs).toBeLessThan(SHORT_TIMEOUT_MS);
  });

  it('refuses a certificate nobody trusts', async () => {
    const s = await serve((_req, res) => res.end('{}'), {
      tls: selfSignedCertificate(),
    });
    const r = result(await prober().probe(s.url));
    expect(r.status).toBe('down');
    expect(r.error).toMatch(/^TLS: self[- ]signed certificate/);
  });

  it('says so when nothing listens', async () => {
    const s = await serve((_req, res) => res.end());
    await s.close();
    expect(result(await prober().probe(s.url))).toMatchObject({
      status: 'down',
      error: 'connection refused',
    });
  });
});
