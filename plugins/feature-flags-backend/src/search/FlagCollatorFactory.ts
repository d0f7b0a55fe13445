import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  FEATURE_FLAG_SEARCH_TYPE,
  featureFlagsFlagReadPermission,
  FlagSearchDocument,
} from '@internal/backstage-plugin-feature-flags-common';
import { Readable } from 'node:stream';

/** A flag as the search index holds it. */
export type FlagDocument = FlagSearchDocument & IndexableDocument;

/**
 * Indexes every flag (search type `feature-flag`) through the feature-flags
 * plugin's own API, as the search plugin's service identity, so both
 * providers (Unleash or the embedded one) are read the way the Flags page
 * reads them. The search plugin shows the flags only to those who hold
 * `feature-flags.flag.read` (a basic permission: checked once per query for
 * the whole type); results open the flag's dialog on the Flags page.
 */
export class FlagCollatorFactory implements DocumentCollatorFactory {
  readonly type = FEATURE_FLAG_SEARCH_TYPE;
  readonly visibilityPermission = featureFlagsFlagReadPermission;

  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly timeoutMs: number,
  ) {}

  static fromConfig(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    timeoutMs?: number;
  }): FlagCollatorFactory {
    return new FlagCollatorFactory(
      options.discovery,
      options.auth,
      options.logger,
      options.timeoutMs ?? 60_000,
    );
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<FlagDocument> {
    const baseUrl = await this.discovery.getBaseUrl('feature-flags');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'feature-flags',
    });
    const response = await fetch(`${baseUrl}/search-documents`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const { documents } = (await response.json()) as {
      documents: FlagDocument[];
    };
    this.logger.info(`Indexing ${documents.length} feature flags`);
    yield* documents;
  }
}
