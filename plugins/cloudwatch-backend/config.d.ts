export interface Config {
  /** Stack Portal's CloudWatch metrics, alarms and dashboards (plugin id `cloudwatch`). See docs/cloudwatch.md. */
  cloudwatch?: {
    /**
     * AWS accounts (one region each) the portal reads CloudWatch from. An
     * entity names one with `stackportal.io/cloudwatch-account`; the others
     * use `defaultAccount`. Without any, the Metrics tab says that
     * CloudWatch is not configured and how to configure it.
     */
    accounts?: Array<{
      /** The id entities name (`production`, `sandbox`). */
      id: string;
      /** AWS region of the metrics, e.g. us-west-2. */
      region: string;
      /**
       * A role to assume through STS AssumeRole before reading (for another
       * account), with the credentials of the SDK's default chain.
       */
      roleArn?: string;
      /**
       * The external id the role's trust policy requires.
       * @visibility secret
       */
      externalId?: string;
      /** Session name of the assumed role. Default: stack-portal-cloudwatch. */
      roleSessionName?: string;
      /**
       * A local CloudWatch (moto_server) instead of AWS: http://127.0.0.1:4566.
       * STS is asked there too.
       */
      endpoint?: string;
      /**
       * Static credentials, allowed only with `endpoint` (a local CloudWatch
       * accepts any). AWS accounts use the SDK's default credential chain.
       * @visibility secret
       */
      accessKeyId?: string;
      /** @visibility secret */
      secretAccessKey?: string;
      /**
       * The statistic asked of the latency metric. Default p95; a local
       * CloudWatch that computes no percentiles needs Average or Maximum.
       */
      latencyStatistic?: string;
      /** The AWS console's base URL. Default https://<region>.console.aws.amazon.com. */
      consoleUrl?: string;
      /**
       * Create the dashboards and alarms the catalog names when they do not
       * exist (only with `endpoint`: never on AWS). Default false.
       */
      seedLocal?: boolean;
    }>;
    /** The account of entities that name none. Default: the first. */
    defaultAccount?: string;
    cache?: {
      /** Seconds a view is answered from the cache. Default 60; 0 turns the cache off. */
      ttlSeconds?: number;
    };
    /** Each request to CloudWatch gives up after this many milliseconds. Default 10000. */
    timeoutMs?: number;
    retry?: {
      /** Attempts of a throttled or failing request, the first included. Default 4. */
      attempts?: number;
      /** First back-off in milliseconds, doubled each retry (with jitter). Default 200. */
      baseDelayMs?: number;
    };
  };
}
