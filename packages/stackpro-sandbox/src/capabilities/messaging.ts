import {
  CapabilityHandler,
  notFound,
  paginate,
} from '@internal/stackpro-runtime';
import { TenantMap, isUnavailable, newId } from './common';

/** The DynamoDB table `stackpro-messaging-threads`, here in memory. */
export const MESSAGING_DEPENDENCIES = ['dynamodb'];

interface Thread {
  id: string;
  subject: string;
  participantIds: string[];
  messageCount: number;
  lastMessageAt?: string;
  metadata?: Record<string, string>;
  createdAt: string;
}

interface Message {
  id: string;
  threadId: string;
  senderId: string;
  body: string;
  attachments?: unknown[];
  clientMessageId?: string;
  status: 'sent' | 'pending';
  sentAt: string;
}

/** Threads, messages and the outbox of messages accepted while the table was unavailable. */
class MessagingStore {
  readonly threads = new TenantMap<Thread>();
  readonly messages = new TenantMap<Message[]>();
  readonly byClientId = new TenantMap<Message>();
  readonly outbox = new TenantMap<Message>();

  thread(tenantId: string, threadId: string): Thread {
    const thread = this.threads.of(tenantId).get(threadId);
    if (!thread) throw notFound(`No thread ${threadId} for tenant ${tenantId}`);
    return thread;
  }

  store(tenantId: string, message: Message): Message {
    const thread = this.thread(tenantId, message.threadId);
    const stored: Message = { ...message, status: 'sent' };
    const list = this.messages.of(tenantId).get(thread.id) ?? [];
    list.push(stored);
    this.messages.of(tenantId).set(thread.id, list);
    thread.messageCount += 1;
    thread.lastMessageAt = stored.sentAt;
    if (stored.clientMessageId)
      this.byClientId.of(tenantId).set(stored.clientMessageId, stored);
    return stored;
  }

  /** Delivers what the outbox holds for a tenant (called whenever the table answers again). */
  deliverOutbox(tenantId: string): void {
    const outbox = this.outbox.of(tenantId);
    for (const [id, message] of outbox) {
      outbox.delete(id);
      if (this.threads.of(tenantId).has(message.threadId))
        this.store(tenantId, message);
    }
  }
}

/** The messaging contract's operations over an in-memory table. */
export function messagingHandlers(): Record<string, CapabilityHandler> {
  const db = new MessagingStore();

  return {
    async listThreads(req) {
      const { limit, cursor, participantId } = req.query;
      const threads = await req.use('dynamodb', () => {
        db.deliverOutbox(req.tenantId);
        return [...db.threads.of(req.tenantId).values()]
          .filter(
            t => !participantId || t.participantIds.includes(participantId),
          )
          .sort((a, b) =>
            (b.lastMessageAt ?? b.createdAt).localeCompare(
              a.lastMessageAt ?? a.createdAt,
            ),
          );
      });
      const page = paginate(threads, limit, cursor);
      return {
        status: 200,
        body: { threads: page.items, nextCursor: page.nextCursor },
      };
    },

    async createThread(req) {
      const thread: Thread = {
        id: newId('thr'),
        subject: req.body.subject,
        participantIds: req.body.participantIds,
        messageCount: 0,
        ...(req.body.metadata ? { metadata: req.body.metadata } : {}),
        createdAt: new Date().toISOString(),
      };
      await req.use('dynamodb', () =>
        db.threads.of(req.tenantId).set(thread.id, thread),
      );
      return { status: 201, body: { thread } };
    },

    async listThreadMessages(req) {
      const { limit, cursor, since } = req.query;
      const messages = await req.use('dynamodb', () => {
        db.deliverOutbox(req.tenantId);
        const thread = db.thread(req.tenantId, req.params.threadId);
        return (db.messages.of(req.tenantId).get(thread.id) ?? []).filter(
          m => !since || m.sentAt > since,
        );
      });
      const page = paginate(messages, limit, cursor);
      return {
        status: 200,
        body: { messages: page.items, nextCursor: page.nextCursor },
      };
    },

    async sendMessage(req) {
      const { threadId, body, attachments, clientMessageId } = req.body;
      const message: Message = {
        id: newId('msg'),
        threadId,
        // the contract takes the sender from the caller's credentials; the sandbox checks none
        senderId: `tenant:${req.tenantId}`,
        body,
        ...(attachments ? { attachments } : {}),
        ...(clientMessageId ? { clientMessageId } : {}),
        status: 'sent',
        sentAt: new Date().toISOString(),
      };
      try {
        const sent = await req.use('dynamodb', () => {
          db.deliverOutbox(req.tenantId);
          const earlier =
            clientMessageId &&
            db.byClientId.of(req.tenantId).get(clientMessageId);
          return earlier || db.store(req.tenantId, message);
        });
        return { status: 201, body: { message: sent } };
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        // the table is unavailable: park the message in the outbox, deliver it later
        const outbox = db.outbox.of(req.tenantId);
        const parked = [...outbox.values()].find(
          m => clientMessageId && m.clientMessageId === clientMessageId,
        );
        const pending: Message = parked ?? { ...message, status: 'pending' };
        outbox.set(pending.id, pending);
        return { status: 202, body: { message: pending, degraded: true } };
      }
    },
  };
}
