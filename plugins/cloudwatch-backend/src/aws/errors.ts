import { ServiceUnavailableError } from '@backstage/errors';

/** Why CloudWatch could not be read, as a person can act on it. */
export type CloudWatchFailureKind =
  | 'not-configured'
  | 'unknown-account'
  | 'credentials'
  | 'assume-role'
  | 'access-denied'
  | 'throttled'
  | 'timeout'
  | 'unreachable'
  | 'rejected';

interface AccountLike {
  id: string;
  region: string;
  endpoint?: string;
  roleArn?: string;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'LimitExceededException',
]);

const EXPIRED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
]);

const REFUSED_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ETIMEDOUT',
]);

type AwsLikeError = {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
};

function nameOf(error: unknown): string {
  const e = (error ?? {}) as AwsLikeError;
  return e.name ?? e.code ?? 'Error';
}

function messageOf(error: unknown): string {
  const e = (error ?? {}) as AwsLikeError;
  return (e.message ?? String(error)).split('\n')[0].slice(0, 300);
}

const where = (account: AccountLike) =>
  account.endpoint
    ? `account ${account.id} (local CloudWatch at ${account.endpoint})`
    : `account ${account.id} (${account.region})`;

/**
 * CloudWatch could not be read: the message says why and what to do. A 503
 * for the HTTP layer: the portal is fine, its source is not.
 */
export class CloudWatchAccessError extends ServiceUnavailableError {
  readonly kind: CloudWatchFailureKind;
  /** The AWS error's name (`ResourceNotFound`), when AWS answered. */
  readonly awsErrorName?: string;

  constructor(
    kind: CloudWatchFailureKind,
    message: string,
    awsErrorName?: string,
  ) {
    super(message);
    this.kind = kind;
    this.awsErrorName = awsErrorName;
  }

  static notConfigured(): CloudWatchAccessError {
    return new CloudWatchAccessError(
      'not-configured',
      'CloudWatch is not configured in this portal: add an account under cloudwatch.accounts (region; optional roleArn with externalId; endpoint for a local CloudWatch). See docs/cloudwatch.md.',
    );
  }

  static unknownAccount(id: string, known: string[]): CloudWatchAccessError {
    return new CloudWatchAccessError(
      'unknown-account',
      `The entity names the CloudWatch account "${id}", which the portal's configuration does not have (known: ${
        known.join(', ') || 'none'
      }). Fix the stackportal.io/cloudwatch-account annotation, or add the account under cloudwatch.accounts.`,
    );
  }

  static fromCredentials(
    account: AccountLike,
    error: unknown,
  ): CloudWatchAccessError {
    return new CloudWatchAccessError(
      'credentials',
      `The backend has no AWS credentials for ${where(account)}: ${messageOf(
        error,
      )}. Give the backend credentials through the AWS SDK's default chain (AWS_* environment variables, a shared config or SSO profile, a container or instance role).`,
    );
  }

  static fromAssumeRole(
    account: AccountLike,
    error: unknown,
  ): CloudWatchAccessError {
    return new CloudWatchAccessError(
      'assume-role',
      `The backend could not assume the role ${account.roleArn} for ${where(
        account,
      )}: ${nameOf(error)}: ${messageOf(
        error,
      )}. Check that the role trusts the backend's identity and that its trust policy's sts:ExternalId matches cloudwatch.accounts[].externalId.`,
    );
  }

  /** A failed call, said by what went wrong. */
  static fromCall(
    account: AccountLike,
    operation: string,
    error: unknown,
    attempts: number,
  ): CloudWatchAccessError {
    if (error instanceof CloudWatchAccessError) return error;
    const name = nameOf(error);
    const code = (error as AwsLikeError)?.code ?? '';
    if (EXPIRED.has(name)) {
      return new CloudWatchAccessError(
        'credentials',
        `The AWS credentials of ${where(
          account,
        )} have expired (${name}). Renew them (for example aws sso login, or restart the task to get a fresh role session).`,
      );
    }
    if (REFUSED_CREDENTIALS.has(name)) {
      return new CloudWatchAccessError(
        'credentials',
        `AWS refused the credentials of ${where(account)} (${name}: ${messageOf(
          error,
        )}). Check the access key and the clock of the backend's host.`,
      );
    }
    if (ACCESS_DENIED.has(name)) {
      return new CloudWatchAccessError(
        'access-denied',
        `The identity of ${where(
          account,
        )} may not call cloudwatch:${operation} (${messageOf(
          error,
        )}). Grant it the read-only CloudWatch policy shown in docs/cloudwatch.md.`,
      );
    }
    const status = (error as AwsLikeError)?.$metadata?.httpStatusCode;
    if (/Deserialization error/.test((error as AwsLikeError)?.message ?? '')) {
      return new CloudWatchAccessError(
        'rejected',
        `${operation} for ${where(account)} failed: the answer (HTTP ${
          status ?? '?'
        }) was not a CloudWatch answer.${
          account.endpoint
            ? ` The local CloudWatch may not implement ${operation}${
                operation === 'DescribeAlarmHistory'
                  ? ' (moto_server does not)'
                  : ''
              }.`
            : ''
        }`,
        name,
      );
    }
    if (isThrottling(error)) {
      return new CloudWatchAccessError(
        'throttled',
        `CloudWatch is throttling ${operation} for ${where(
          account,
        )}; the portal tried ${attempts} times, backing off between them. Try again in a minute.`,
      );
    }
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new CloudWatchAccessError(
        'timeout',
        `CloudWatch did not answer ${operation} for ${where(
          account,
        )} in time (tried ${attempts} times). Try again; if it persists, check the network path to CloudWatch.`,
      );
    }
    if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name)) {
      return new CloudWatchAccessError(
        'unreachable',
        `CloudWatch of ${where(account)} cannot be reached (${
          code || name
        }: ${messageOf(error)}).${
          account.endpoint
            ? ' Is the local CloudWatch running? `./portal start` runs moto_server when it is on the PATH; or configure an AWS account under cloudwatch.accounts (docs/cloudwatch.md).'
            : ''
        }`,
      );
    }
    return new CloudWatchAccessError(
      'rejected',
      `CloudWatch refused ${operation} for ${where(
        account,
      )}: ${name}: ${messageOf(error)}`,
      name,
    );
  }
}

/** Whether a failed call is worth another try after a pause. */
export function isRetryable(error: unknown): boolean {
  const e = (error ?? {}) as AwsLikeError;
  if (error instanceof CloudWatchAccessError) return false;
  const status = e.$metadata?.httpStatusCode;
  return (
    THROTTLING.has(nameOf(error)) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    NETWORK_CODES.has(e.code ?? '')
  );
}

export function isThrottling(error: unknown): boolean {
  return (
    THROTTLING.has(nameOf(error)) ||
    (error as AwsLikeError)?.$metadata?.httpStatusCode === 429
  );
}
