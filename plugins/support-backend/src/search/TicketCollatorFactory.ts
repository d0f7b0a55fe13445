import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import { supportTicketReadPermission } from '@internal/backstage-plugin-support-common';
import { Readable } from 'node:stream';
import { TicketSearchDocument } from './SearchDocuments';

/**
 * Indexes every ticket (search type `support-ticket`) through the support
 * plugin's own API, as the search plugin's service identity. Only public
 * text is indexed: the title, description and labels, never a note.
 */
export class TicketCollatorFactory implements DocumentCollatorFactory {
  readonly type = 'support-ticket';
  readonly visibilityPermission = supportTicketReadPermission;

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
  }): TicketCollatorFactory {
    return new TicketCollatorFactory(
      options.discovery,
      options.auth,
      options.logger,
      options.timeoutMs ?? 60_000,
    );
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<TicketSearchDocument> {
    const baseUrl = await this.discovery.getBaseUrl('support');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'support',
    });
    const response = await fetch(`${baseUrl}/search-documents`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const { documents } = (await response.json()) as {
      documents: TicketSearchDocument[];
    };
    this.logger.info(`Indexing ${documents.length} support tickets`);
    yield* documents;
  }
}
