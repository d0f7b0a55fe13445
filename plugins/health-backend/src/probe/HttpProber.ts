import { ProbeResult } from '@internal/backstage-plugin-health-common';
import dns, { LookupAddress } from 'node:dns';
import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import { AddressPolicy, RefusedAddressError } from './AddressPolicy';
import { interpretAnswer } from './interpret';

export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What probing one URL gave: a result to store, or a refusal to show as an annotation problem. */
export type ProbeOutcome =
  | { kind: 'result'; result: ProbeResult; flags?: ProbeFlags }
  | { kind: 'refused'; message: string };

/** The flags a StackPro capability reports in its health answer. */
export interface ProbeFlags {
  enabled?: boolean;
  version?: string;
  forcedDegraded?: boolean;
}

export interface Prober {
  probe(url: string): Promise<ProbeOutcome>;
}

interface Answer {
  status: number;
  body: string;
  location?: string;
}

class ProbeFailure extends Error {}

/**
 * Probes one health endpoint over HTTP(S) with node's own client, so that the
 * address policy is applied to the address actually connected to (a host
 * name re-resolving to a metadata address is refused too). Redirects are
 * followed a few times, each one checked again; the whole probe, redirects
 * included, has one deadline and the body is read up to a cap.
 */
export class HttpProber implements Prober {
  private constructor(
    private readonly policy: AddressPolicy,
    private readonly timeoutMs: number,
    private readonly maxBodyBytes: number,
    private readonly maxRedirects: number,
    private readonly now: () => number,
  ) {}

  static create(options: {
    policy: AddressPolicy;
    timeoutMs?: number;
    maxBodyBytes?: number;
    maxRedirects?: number;
    now?: () => number;
  }): HttpProber {
    return new HttpProber(
      options.policy,
      options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
      options.now ?? Date.now,
    );
  }

  async probe(url: string): Promise<ProbeOutcome> {
    const at = this.now();
    const started = performance.now();
    const deadline = started + this.timeoutMs;
    const latency = () => Math.round(performance.now() - started);
    let target = url;
    try {
      for (let hop = 0; ; hop++) {
        const answer = await this.request(target, deadline);
        if (REDIRECT_STATUSES.has(answer.status) && answer.location) {
          if (hop >= this.maxRedirects) {
            throw new ProbeFailure(
              `more than ${this.maxRedirects} redirects (last to ${answer.location})`,
            );
          }
          target = new URL(answer.location, target).toString();
          continue;
        }
        const { status, error, version, flags } = interpretAnswer(answer);
        return {
          kind: 'result',
          result: {
            at,
            status,
            latencyMs: latency(),
            httpStatus: answer.status,
            ...(error ? { error } : {}),
            ...(version ? { version } : {}),
          },
          flags,
        };
      }
    } catch (e) {
      if (e instanceof RefusedAddressError) {
        return { kind: 'refused', message: e.message };
      }
      return {
        kind: 'result',
        result: {
          at,
          status: 'down',
          latencyMs: latency(),
          error: describe(e),
        },
      };
    }
  }

  private request(target: string, deadline: number): Promise<Answer> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return Promise.reject(new ProbeFailure(`"${target}" is not a URL`));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(
        new ProbeFailure(
          `redirected to ${url.protocol} (only http and https are probed)`,
        ),
      );
    }
    try {
      this.policy.checkHost(url.hostname);
    } catch (e) {
      return Promise.reject(e);
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      return Promise.reject(
        new ProbeFailure(`no answer within ${this.timeoutMs} ms`),
      );
    }
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Answer>((resolve, reject) => {
      const req = client.request(
        url,
        {
          method: 'GET',
          headers: {
            accept: 'application/json',
            'user-agent': 'stack-portal-health',
          },
          lookup: this.lookup,
          agent: false,
        },
        res => this.read(res, resolve, reject),
      );
      const timer = setTimeout(() => {
        req.destroy(new ProbeFailure(`no answer within ${this.timeoutMs} ms`));
      }, remaining);
      req.on('error', reject);
      req.on('close', () => clearTimeout(timer));
      req.end();
    });
  }

  private read(
    res: IncomingMessage,
    resolve: (a: Answer) => void,
    reject: (e: Error) => void,
  ) {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        res.destroy(
          new ProbeFailure(
            `the answer is larger than ${this.maxBodyBytes} bytes; not read past that`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('end', () =>
      resolve({
        status: res.statusCode ?? 0,
        body: Buffer.concat(chunks).toString('utf8'),
        location: res.headers.location,
      }),
    );
  }

  /** dns.lookup, with every address checked against the policy before connecting. */
  private readonly lookup = (
    hostname: string,
    options: dns.LookupOptions,
    callback: (
      err: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, []);
        return;
      }
      try {
        for (const a of addresses) this.policy.checkAddress(a.address);
      } catch (e) {
        callback(e as NodeJS.ErrnoException, []);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** An error as a person reads it on the entity. */
function describe(e: unknown): string {
  const error = e as NodeJS.ErrnoException & { cause?: Error };
  if (error instanceof ProbeFailure) return error.message;
  const code = error.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND')
    return `host not found (${error.message.split(' ').pop()})`;
  if (code === 'ECONNRESET') return 'connection reset before an answer';
  if (code && /CERT|SSL|TLS|SELF_SIGNED/.test(code)) {
    return `TLS: ${error.message}`;
  }
  return error.message || String(e);
}
