import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  fromNodeProviderChain,
  fromTemporaryCredentials,
} from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { Config } from '@backstage/config';
import { AccountSummary } from '@internal/backstage-plugin-cloudwatch-common';
import { CloudWatchAccessError } from './errors';

const DEFAULT_ROLE_SESSION_NAME = 'stack-portal-cloudwatch';
const DEFAULT_LATENCY_STATISTIC = 'p95';

/** One AWS account (and region) the portal reads CloudWatch from. */
export interface CloudWatchAccount {
  id: string;
  region: string;
  /** A local CloudWatch (moto) instead of AWS. */
  endpoint?: string;
  roleArn?: string;
  /** Statistic asked of the latency metric (`p95` unless the CloudWatch computes no percentiles). */
  latencyStatistic: string;
  /** Console base, `https://<region>.console.aws.amazon.com` unless configured. */
  consoleBaseUrl: string;
  /** Create the catalog's missing dashboards and alarms at start (local endpoints only). */
  seedLocal: boolean;
}

export function summarizeAccount(account: CloudWatchAccount): AccountSummary {
  return {
    id: account.id,
    region: account.region,
    local: account.endpoint !== undefined,
  };
}

const HOW_TO_CONFIGURE =
  'Add an account to the portal configuration, for example\n' +
  'cloudwatch:\n' +
  '  accounts:\n' +
  '    - id: production\n' +
  '      region: us-west-2\n' +
  '      roleArn: arn:aws:iam::123456789012:role/StackPortalCloudWatchRead  # optional\n' +
  '      externalId: ${CLOUDWATCH_EXTERNAL_ID}                              # optional\n' +
  'The backend reads credentials from the AWS SDK default chain (environment, shared config or SSO, container or instance role); see docs/cloudwatch.md.';

/**
 * The configured accounts, and one SDK client per account and region.
 * Credentials come from the AWS SDK's default chain (or, for a local
 * CloudWatch only, from static keys in the configuration); with `roleArn`
 * they are exchanged through STS `AssumeRole` (with `externalId` when
 * given). They stay in the backend: nothing here is ever sent to a browser.
 */
export class CloudWatchAccounts {
  private readonly clients = new Map<string, CloudWatchClient>();

  private constructor(
    private readonly accounts: CloudWatchAccount[],
    private readonly credentials: Map<string, AwsCredentialIdentityProvider>,
    private readonly defaultId: string | undefined,
  ) {}

  static fromConfig(config: Config): CloudWatchAccounts {
    const root = config.getOptionalConfig('cloudwatch');
    const entries = root?.getOptionalConfigArray('accounts') ?? [];
    const accounts: CloudWatchAccount[] = [];
    const credentials = new Map<string, AwsCredentialIdentityProvider>();
    for (const [index, entry] of entries.entries()) {
      const where = `cloudwatch.accounts[${index}]`;
      const account: CloudWatchAccount = {
        id: entry.getString('id'),
        region: entry.getString('region'),
        endpoint: entry.getOptionalString('endpoint'),
        roleArn: entry.getOptionalString('roleArn'),
        latencyStatistic:
          entry.getOptionalString('latencyStatistic') ??
          DEFAULT_LATENCY_STATISTIC,
        consoleBaseUrl: (
          entry.getOptionalString('consoleUrl') ??
          `https://${entry.getString('region')}.console.aws.amazon.com`
        ).replace(/\/+$/, ''),
        seedLocal: entry.getOptionalBoolean('seedLocal') ?? false,
      };
      if (accounts.some(a => a.id === account.id)) {
        throw new Error(`${where}.id ${account.id} is used twice`);
      }
      const accessKeyId = entry.getOptionalString('accessKeyId');
      if (accessKeyId !== undefined && account.endpoint === undefined) {
        throw new Error(
          `${where}.accessKeyId is only for a local CloudWatch (endpoint); AWS accounts use the SDK's default credential chain, and roleArn to reach other accounts`,
        );
      }
      if (account.seedLocal && account.endpoint === undefined) {
        throw new Error(
          `${where}.seedLocal creates dashboards and alarms, so it is only allowed for a local CloudWatch (endpoint)`,
        );
      }
      const base: AwsCredentialIdentityProvider =
        accessKeyId !== undefined
          ? async () => ({
              accessKeyId,
              secretAccessKey: entry.getString('secretAccessKey'),
            })
          : fromNodeProviderChain();
      credentials.set(
        account.id,
        CloudWatchAccounts.credentialsOf(account, base, {
          externalId: entry.getOptionalString('externalId'),
          roleSessionName:
            entry.getOptionalString('roleSessionName') ??
            DEFAULT_ROLE_SESSION_NAME,
        }),
      );
      accounts.push(account);
    }
    const defaultId =
      root?.getOptionalString('defaultAccount') ?? accounts[0]?.id;
    if (defaultId !== undefined && !accounts.some(a => a.id === defaultId)) {
      throw new Error(
        `cloudwatch.defaultAccount ${defaultId} is not the id of an entry of cloudwatch.accounts`,
      );
    }
    return new CloudWatchAccounts(accounts, credentials, defaultId);
  }

  /** Where a failure to get credentials is said as what to do about it. */
  private static credentialsOf(
    account: CloudWatchAccount,
    base: AwsCredentialIdentityProvider,
    role: { externalId?: string; roleSessionName: string },
  ): AwsCredentialIdentityProvider {
    const baseNamed: AwsCredentialIdentityProvider = async () => {
      try {
        return await base();
      } catch (error) {
        throw CloudWatchAccessError.fromCredentials(account, error);
      }
    };
    if (!account.roleArn) return baseNamed;
    const assumed = fromTemporaryCredentials({
      params: {
        RoleArn: account.roleArn,
        RoleSessionName: role.roleSessionName,
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
      },
      masterCredentials: baseNamed,
      clientConfig: {
        region: account.region,
        ...(account.endpoint ? { endpoint: account.endpoint } : {}),
      },
    });
    return async () => {
      try {
        return await assumed();
      } catch (error) {
        if (error instanceof CloudWatchAccessError) throw error;
        throw CloudWatchAccessError.fromAssumeRole(account, error);
      }
    };
  }

  get configured(): boolean {
    return this.accounts.length > 0;
  }

  get defaultAccountId(): string | undefined {
    return this.defaultId;
  }

  list(): CloudWatchAccount[] {
    return [...this.accounts];
  }

  /** What to add to the configuration when no account is configured. */
  static get howToConfigure(): string {
    return HOW_TO_CONFIGURE;
  }

  /**
   * The account an entity names, or the default one. An id the
   * configuration does not know is an error, never the default account.
   */
  resolve(id: string | undefined): CloudWatchAccount {
    if (!this.configured) throw CloudWatchAccessError.notConfigured();
    const wanted = id ?? this.defaultId;
    const account = this.accounts.find(a => a.id === wanted);
    if (!account) {
      throw CloudWatchAccessError.unknownAccount(
        wanted ?? '',
        this.accounts.map(a => a.id),
      );
    }
    return account;
  }

  /** The SDK client of an account in a region (the account's own by default). */
  client(
    account: CloudWatchAccount,
    region = account.region,
  ): CloudWatchClient {
    const key = `${account.id}\u0000${region}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new CloudWatchClient({
        region,
        credentials: this.credentials.get(account.id),
        ...(account.endpoint ? { endpoint: account.endpoint } : {}),
        // retries are ours (CloudWatchCaller), so that every attempt is
        // counted and throttling backs off the way the docs say
        maxAttempts: 1,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  destroy() {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
