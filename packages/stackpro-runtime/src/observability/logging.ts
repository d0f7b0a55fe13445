/** What the runtime tells its operator (compatible with Backstage's LoggerService). */
export interface RuntimeLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** Seed 002's structured log line, one per request. */
export interface RequestLogLine {
  timestamp: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  capability: string;
  /** The contract's path (`/v1/threads/{threadId}/messages`), or the raw path when none matched. */
  route: string;
  method: string;
  status: number;
  tenantId?: string;
  latency_ms: number;
  degraded: boolean;
  /** The request id: also `error.requestId` in error answers and the `X-Request-Id` header. */
  trace_id: string;
  /** A fault the fault knob injected (`error`), if any. */
  fault?: string;
}

/** Writes one JSON object per line (stdout by default), or nothing for `write: undefined` in tests. */
export class JsonLineLogger implements RuntimeLogger {
  private constructor(
    private readonly write: (line: string) => void,
    private readonly base: Record<string, unknown>,
  ) {}

  static create(
    options: {
      write?: (line: string) => void;
      base?: Record<string, unknown>;
    } = {},
  ): JsonLineLogger {
    return new JsonLineLogger(
      options.write ?? (line => process.stdout.write(line)),
      options.base ?? {},
    );
  }

  request(line: RequestLogLine): void {
    this.write(`${JSON.stringify(line)}\n`);
  }

  private line(level: string, message: string, meta?: Record<string, unknown>) {
    this.write(
      `${JSON.stringify({
        timestamp: new Date().toISOString(),
        level,
        message,
        ...this.base,
        ...meta,
      })}\n`,
    );
  }

  info(message: string, meta?: Record<string, unknown>): void {
    this.line('info', message, meta);
  }

  warn(message: string, meta?: Record<string, unknown>): void {
    this.line('warn', message, meta);
  }

  error(message: string, meta?: Record<string, unknown>): void {
    this.line('error', message, meta);
  }
}
