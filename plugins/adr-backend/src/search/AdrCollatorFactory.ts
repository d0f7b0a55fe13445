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
  adrReadPermission,
  AdrSearchDocument,
} from '@internal/backstage-plugin-adr-common';
import { Readable } from 'node:stream';

/** A decision as the search index holds it. */
export interface AdrDocument extends IndexableDocument {
  entityRef: string;
  status?: string;
  date?: string;
  id?: string;
}

/**
 * Indexes every decision record under the search type `adr`. It asks the ADR
 * plugin's own API (as the search plugin's service identity) instead of
 * reading repositories a second time; results link to the record on its
 * entity's Decisions tab.
 */
export class AdrCollatorFactory implements DocumentCollatorFactory {
  readonly type = 'adr';
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
      documents: AdrSearchDocument[];
    };
    this.logger.info(`Indexing ${documents.length} decision records`);
    for (const document of documents) {
      yield { ...document };
    }
  }
}
