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
  ADR_SEARCH_TYPE,
  adrReadPermission,
  AdrSearchDocument,
} from '@internal/backstage-plugin-adr-common';
import { Readable } from 'node:stream';

/** A decision as the search index holds it. */
export type AdrDocument = AdrSearchDocument & IndexableDocument;

/**
 * Indexes every decision record under the search type `adr` (the search
 * page's "Decisions", drawn by the ADR plugin's result item: title, status,
 * stacks). It asks the ADR plugin's own API (as the search plugin's service
 * identity) instead of reading repositories a second time; results link to
 * the record on its entity's Decisions tab.
 */
export class AdrCollatorFactory implements DocumentCollatorFactory {
  readonly type = ADR_SEARCH_TYPE;
  readonly visibilityPermission = adrReadPermission;

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
  }): AdrCollatorFactory {
    return new AdrCollatorFactory(
      options.discovery,
      options.auth,
      options.logger,
      options.timeoutMs ?? 60_000,
    );
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<AdrDocument> {
    const baseUrl = await this.discovery.getBaseUrl('adr');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'adr',
    });
    const response = await fetch(`${baseUrl}/search-documents`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const { documents } = (await response.json()) as {
      documents: AdrDocument[];
    };
    this.logger.info(`Indexing ${documents.length} decision records`);
    yield* documents;
  }
}
