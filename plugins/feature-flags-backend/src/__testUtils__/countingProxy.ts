import { createServer, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  method: string;
  path: string;
  status: number;
  retryAfter?: string;
}

/**
 * A plain HTTP relay in front of a real Unleash that records every call and
 * Unleash's answer to it: what the portal sent, and how often, is what the
 * tests check. Nothing is changed on the way.
 */
export class CountingProxy {
  private constructor(
    private readonly server: Server,
    readonly calls: ProxiedCall[],
  ) {}

  static async start(target: string): Promise<CountingProxy> {
    const upstream = new URL(target);
    const calls: ProxiedCall[] = [];
    const server = createServer((req, res) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        answer => {
          calls.push({
            method: req.method ?? 'GET',
            path: req.url ?? '',
            status: answer.statusCode ?? 0,
            retryAfter: answer.headers['retry-after'] as string | undefined,
          });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => {
        calls.push({
          method: req.method ?? 'GET',
          path: req.url ?? '',
          status: 0,
        });
        res.destroy();
      });
      req.pipe(out);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return new CountingProxy(server, calls);
  }

  get url() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Calls whose path starts with this. */
  to(pathPrefix: string) {
    return this.calls.filter(c => c.path.startsWith(pathPrefix));
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }
}
