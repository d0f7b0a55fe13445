import { ConfigReader } from '@backstage/config';
import {
  CapabilityUrlError,
  CapabilityUrlResolver,
  joinCapabilityUrl,
  resolveCapabilityUrl,
} from './resolver';
import { capabilityFlagNames } from './capabilities';

const catalogConfig = {
  stackpro: {
    capabilities: {
      messaging: {
        baseUrl: {
          sandbox: 'https://messaging.sandbox.stackpro.example/',
          production: 'https://messaging.stackpro.example',
        },
      },
      billing: { baseUrl: { production: 'https://billing.stackpro.example' } },
    },
  },
};

function resolver(extra: object = {}) {
  return CapabilityUrlResolver.fromConfig(
    new ConfigReader({ stackpro: { ...catalogConfig.stackpro, ...extra } }),
  );
}

function entity(annotations: Record<string, string>) {
  return { metadata: { annotations } };
}

describe('CapabilityUrlResolver', () => {
  it('points the embedded catalog at the local sandbox and production at real hosts, by configuration alone', () => {
    const local = resolver({ sandbox: { enabled: true, port: 7090 } });
    expect(local.environment).toBe('local');
    expect(local.resolve('messaging')).toEqual({
      capability: 'messaging',
      environment: 'local',
      url: 'http://127.0.0.1:7090/messaging',
      source: 'sandbox',
    });

    const production = resolver({ environment: 'production' });
    expect(production.baseUrl('messaging')).toBe(
      'https://messaging.stackpro.example',
    );
    expect(production.resolve('messaging')?.source).toBe('config');
  });

  it('prefers the configured URL of an environment over the sandbox, and drops a trailing slash', () => {
    const r = resolver({ environment: 'sandbox', sandbox: { enabled: true } });
    expect(r.baseUrl('messaging')).toBe(
      'https://messaging.sandbox.stackpro.example',
    );
    // billing has no sandbox URL configured: the local sandbox serves it
    expect(r.resolve('billing')).toMatchObject({
      url: 'http://127.0.0.1:7090/billing',
      source: 'sandbox',
    });
  });

  it('falls back to stackpro.fallbackBaseUrl for a capability nobody else gives a URL for', () => {
    const r = resolver({
      environment: 'production',
      fallbackBaseUrl: 'https://api.stackpro.example/{capability}/',
    });
    expect(r.resolve('ai')).toMatchObject({
      url: 'https://api.stackpro.example/ai',
      source: 'fallback',
    });
    expect(r.resolve('messaging')?.source).toBe('config');
  });

  it('says which key to set when a capability has no base URL at all', () => {
    const r = resolver({ environment: 'production' });
    expect(r.resolve('ai')).toBeUndefined();
    expect(() => r.baseUrl('ai')).toThrow(CapabilityUrlError);
    expect(() => r.baseUrl('ai')).toThrow(
      /stackpro\.capabilities\.ai\.baseUrl\.production/,
    );
  });

  it('lists base URLs per environment, the watched one first (for discovery)', () => {
    const r = resolver({
      sandbox: { enabled: true, baseUrl: 'http://localhost:7090/' },
    });
    expect(r.environments()).toEqual(['local', 'production', 'sandbox']);
    expect(r.capabilities()).toEqual([
      'ai',
      'billing',
      'datalake',
      'messaging',
    ]);
    expect(r.baseUrls('messaging').map(u => [u.environment, u.url])).toEqual([
      ['local', 'http://localhost:7090/messaging'],
      ['production', 'https://messaging.stackpro.example'],
      ['sandbox', 'https://messaging.sandbox.stackpro.example'],
    ]);
  });

  it('refuses configuration that is not a URL, naming the key', () => {
    expect(() =>
      CapabilityUrlResolver.fromConfig(
        new ConfigReader({
          stackpro: {
            capabilities: { ai: { baseUrl: { production: 'ai.example' } } },
          },
        }),
      ),
    ).toThrow(
      'stackpro.capabilities.ai.baseUrl.production must be an http(s) URL, not "ai.example"',
    );
    expect(() =>
      CapabilityUrlResolver.fromConfig(
        new ConfigReader({ stackpro: { capabilities: { 'Bad-Name': {} } } }),
      ),
    ).toThrow(/stackpro\.capabilities\.Bad-Name/);
    expect(() =>
      CapabilityUrlResolver.fromConfig(
        new ConfigReader({ stackpro: { fallbackBaseUrl: 'file:///etc' } }),
      ),
    ).toThrow(/stackpro\.fallbackBaseUrl/);
  });

  it("is the seed's resolveCapabilityUrl as a function", () => {
    const config = new ConfigReader({
      stackpro: { ...catalogConfig.stackpro, environment: 'production' },
    });
    expect(resolveCapabilityUrl(config, 'billing')).toBe(
      'https://billing.stackpro.example',
    );
    expect(resolveCapabilityUrl(config, 'messaging', 'sandbox')).toBe(
      'https://messaging.sandbox.stackpro.example',
    );
  });
});

describe('health endpoints of entities', () => {
  const local = resolver({ sandbox: { enabled: true } });
  const production = resolver({ environment: 'production' });
  const messaging = entity({
    'stackportal.io/capability': 'messaging',
    'stackportal.io/health-endpoint': '/v1/health',
  });

  it("resolves a relative endpoint against the capability's base URL, keeping its path prefix", () => {
    expect(local.healthEndpoint(messaging)).toEqual({
      kind: 'resolved',
      url: 'http://127.0.0.1:7090/messaging/v1/health',
      capability: 'messaging',
      source: 'sandbox',
    });
    expect(production.healthEndpoint(messaging)).toMatchObject({
      url: 'https://messaging.stackpro.example/v1/health',
      source: 'config',
    });
  });

  it('takes an absolute endpoint as it is', () => {
    expect(
      local.healthEndpoint(
        entity({
          'stackportal.io/health-endpoint': 'https://status.example/health',
        }),
      ),
    ).toEqual({
      kind: 'resolved',
      url: 'https://status.example/health',
      source: 'annotation',
      capability: undefined,
    });
  });

  it('reports an entity without endpoint as nothing to probe', () => {
    expect(local.healthEndpoint(entity({}))).toEqual({ kind: 'none' });
  });

  it.each([
    [
      { 'stackportal.io/health-endpoint': '/v1/health' },
      'stackportal.io/capability',
      /needs stackportal.io\/capability/,
    ],
    [
      { 'stackportal.io/health-endpoint': 'ftp://x.example/h' },
      'stackportal.io/health-endpoint',
      /not an http\(s\) URL/,
    ],
    [
      {
        'stackportal.io/health-endpoint': 'v1/health',
        'stackportal.io/capability': 'ai',
      },
      'stackportal.io/health-endpoint',
      /single "\/"/,
    ],
    [
      {
        'stackportal.io/health-endpoint': '//evil.example/h',
        'stackportal.io/capability': 'ai',
      },
      'stackportal.io/health-endpoint',
      /single "\/"/,
    ],
    [
      {
        'stackportal.io/health-endpoint': '/../billing/v1/health',
        'stackportal.io/capability': 'ai',
      },
      'stackportal.io/health-endpoint',
      /"\.\."/,
    ],
    [
      {
        'stackportal.io/health-endpoint': '/%2E%2E/billing',
        'stackportal.io/capability': 'ai',
      },
      'stackportal.io/health-endpoint',
      /"\.\."/,
    ],
    [
      {
        'stackportal.io/health-endpoint': '/v1/health',
        'stackportal.io/capability': 'Messaging!',
      },
      'stackportal.io/capability',
      /not a capability name/,
    ],
  ])(
    'shows what is wrong with %j instead of throwing',
    (annotations, annotation, message) => {
      const result = local.healthEndpoint(entity(annotations));
      expect(result).toMatchObject({ kind: 'invalid', annotation });
      expect(result.kind === 'invalid' && result.message).toMatch(message);
    },
  );

  it('says which key to set when the capability has no base URL in the watched environment', () => {
    const result = production.healthEndpoint(
      entity({
        'stackportal.io/capability': 'ai',
        'stackportal.io/health-endpoint': '/v1/health',
      }),
    );
    expect(result).toMatchObject({
      kind: 'invalid',
      annotation: 'stackportal.io/capability',
    });
    expect(result.kind === 'invalid' && result.message).toMatch(
      /stackpro\.capabilities\.ai\.baseUrl\.production/,
    );
  });
});

describe('helpers', () => {
  it("joins paths under a base URL's prefix", () => {
    expect(joinCapabilityUrl('http://h:1/messaging/', '/v1/health')).toBe(
      'http://h:1/messaging/v1/health',
    );
    expect(joinCapabilityUrl('https://h', 'v1/health')).toBe(
      'https://h/v1/health',
    );
  });

  it("names a capability's three flags", () => {
    expect(capabilityFlagNames('datalake')).toEqual({
      enabled: 'CAP_DATALAKE_ENABLED',
      version: 'CAP_DATALAKE_VERSION',
      degraded: 'CAP_DATALAKE_DEGRADED',
    });
  });
});
