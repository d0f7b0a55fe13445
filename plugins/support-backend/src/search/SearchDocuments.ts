import { IndexableDocument } from '@backstage/plugin-search-common';
import { STATUS_LABELS } from '@internal/backstage-plugin-support-common';
import { TicketStore } from '../store/TicketStore';

const PAGE = 1000;
/** Characters of a ticket's description the index keeps. */
const TEXT_MAX = 4000;

/** A ticket as the search index holds it (public text only: never internal notes). */
export interface TicketSearchDocument extends IndexableDocument {
  ticketId: number;
  entityRef: string;
  status: string;
  priority: string;
  queueRef: string;
}

/** The tickets the search collator indexes. */
export class SearchDocuments {
  private constructor(private readonly store: TicketStore) {}

  static create(options: { store: TicketStore }) {
    return new SearchDocuments(options.store);
  }

  async all(): Promise<TicketSearchDocument[]> {
    const documents: TicketSearchDocument[] = [];
    for (let after = 0; ; ) {
      const page = await this.store.scan(after, PAGE);
      if (!page.length) break;
      for (const t of page) {
        documents.push({
          title: `#${t.id} ${t.title}`,
          text: `${t.priority} ${t.type}, ${STATUS_LABELS[t.status]}, on ${
            t.entityTitle ?? t.entityRef
          }. ${t.labels.join(' ')} ${t.body.slice(0, TEXT_MAX)}`,
          location: `/support/tickets/${t.id}`,
          ticketId: t.id,
          entityRef: t.entityRef,
          status: t.status,
          priority: t.priority,
          queueRef: t.queueRef,
        });
      }
      after = page[page.length - 1].id;
    }
    return documents;
  }
}
