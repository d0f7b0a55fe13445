import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real HTTP server on 127.0.0.1 with an ephemeral port. */
export interface TestServer {
  url: string;
  hits: () => number;
  close: () => Promise<void>;
}

export async function startServer(
  handler: http.RequestListener,
  options: { tls?: { key: string; cert: string } } = {},
): Promise<TestServer> {
  let hits = 0;
  const counted: http.RequestListener = (req, res) => {
    hits++;
    handler(req, res);
  };
  const server = options.tls
    ? https.createServer(options.tls, counted)
    : http.createServer(counted);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A self-signed certificate for 127.0.0.1, made with openssl (not trusted by anybody). */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'health-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The body a StackPro capability's `GET /v1/health` answers. */
export function stackProHealth(
  status: 'ok' | 'degraded' | 'down',
  flags: { enabled?: boolean; forcedDegraded?: boolean } = {},
) {
  return JSON.stringify({
    status,
    capability: 'messaging',
    version: '1.0.0',
    flags: {
      enabled: flags.enabled ?? true,
      version: 'v1',
      forcedDegraded: flags.forcedDegraded ?? false,
    },
    checks: [{ name: 'flags', status: status === 'down' ? 'down' : 'ok' }],
    checkedAt: new Date().toISOString(),
    degraded: status !== 'ok',
  });
}
