import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { advance } from '../sla/clocks';
import { MINUTE, newTicket, T0 } from '../__testUtils__/fixtures';
import { DatabaseGithubSyncStore } from './DatabaseGithubSyncStore';
import { DatabaseTicketStore } from './DatabaseTicketStore';
import { VersionConflict } from './TicketStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  return DatabaseTicketStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
}

const eli = 'user:default/eli.martin';
const omar = 'user:default/omar.haddad';

describe.each(databases.eachSupportedId())(
  'DatabaseTicketStore on %p',
  databaseId => {
    it('keeps a ticket with its labels, requester as watcher and a created event', async () => {
      const store = await createStore(databaseId);
      const created = await store.create(newTicket(), {
        actorRef: eli,
        kind: 'created',
        to: 'P2',
      });
      const read = await store.get(created.id);
      expect(read).toMatchObject({
        id: created.id,
        status: 'new',
        priority: 'P2',
        labels: ['messaging', 'duplicates'],
        requesterRef: eli,
        version: 1,
        createdAt: T0,
      });
      expect(read!.sla.response).toEqual({
        state: 'running',
        dueAt: T0 + 60 * MINUTE,
        warnAt: T0 + 45 * MINUTE,
      });
      expect(await store.watchers(created.id)).toEqual([eli]);
      const timeline = await store.timeline(created.id, {
        includeInternal: false,
      });
      expect(timeline.map(e => [e.kind, e.actorRef, e.to])).toEqual([
        ['created', eli, 'P2'],
      ]);
    });

    it('refuses a write computed from an old version, and names the new one', async () => {
      const store = await createStore(databaseId);
      const ticket = await store.create(newTicket(), {
        actorRef: eli,
        kind: 'created',
      });
      await store.update(
        ticket,
        { assigneeRef: omar },
        [{ actorRef: omar, kind: 'assignee', to: omar }],
        { at: T0 + 1 },
      );
      const stale = store.update(
        ticket,
        { priority: 'P1' },
        [{ actorRef: omar, kind: 'priority' }],
        { at: T0 + 2 },
      );
      await expect(stale).rejects.toBeInstanceOf(VersionConflict);
      await expect(stale).rejects.toMatchObject({
        current: { version: 2, assigneeRef: omar },
      });
      expect((await store.get(ticket.id))!.priority).toBe('P2');
      // the refused write left no history behind
      expect(
        (await store.timeline(ticket.id, { includeInternal: true })).map(
          e => e.kind,
        ),
      ).toEqual(['created', 'assignee']);
    });

    it('filters a queue and pages it by time to breach without gaps or repeats', async () => {
      const store = await createStore(databaseId);
      const ids: number[] = [];
      for (let i = 0; i < 7; i++) {
        const priority = i % 2 ? 'P1' : 'P3';
        const t = await store.create(
          newTicket({
            priority,
            createdAt: T0 + i * MINUTE,
            labels: i === 3 ? ['db'] : [],
          }),
          {
            actorRef: eli,
            kind: 'created',
          },
        );
        ids.push(t.id);
      }
      await store.create(newTicket({ queueRef: 'group:default/team-data' }), {
        actorRef: eli,
        kind: 'created',
      });
      const seen: number[] = [];
      let after;
      for (;;) {
        const page = await store.list({
          filter: { queueRefs: ['group:default/team-ai'], openOnly: true },
          sort: 'breach',
          after,
          limit: 3,
        });
        if (!page.length) break;
        seen.push(...page.map(t => t.id));
        after = store.positionOf(page[page.length - 1], 'breach');
      }
      expect(seen.sort((a, b) => a - b)).toEqual(ids);
      const first = await store.list({
        filter: { queueRefs: ['group:default/team-ai'] },
        sort: 'breach',
        limit: 3,
      });
      // P1s fall due first (15 minutes), the earliest raised first
      expect(first.map(t => t.priority)).toEqual(['P1', 'P1', 'P1']);
      expect(first.map(t => t.id)).toEqual([ids[1], ids[3], ids[5]]);
      const p1db = await store.list({
        filter: { priorities: ['P1'], labels: ['db'] },
        sort: 'created',
        limit: 10,
      });
      expect(p1db.map(t => t.id)).toEqual([ids[3]]);
      const words = await store.list({
        filter: { text: 'ARRIVE twice' },
        sort: 'created',
        limit: 10,
      });
      expect(words).toHaveLength(8);
      expect(
        await store.list({
          filter: { text: '100%' },
          sort: 'created',
          limit: 10,
        }),
      ).toEqual([]);
    });

    it('hides internal notes from a timeline without them and counts only comments', async () => {
      const store = await createStore(databaseId);
      const ticket = await store.create(newTicket(), {
        actorRef: eli,
        kind: 'created',
      });
      const noted = await store.addComment(
        ticket,
        {
          authorRef: omar,
          body: 'Looks like the retry storm',
          visibility: 'internal',
          source: 'portal',
          createdAt: T0 + 1,
        },
        {},
        [{ actorRef: omar, kind: 'note' }],
      );
      await store.addComment(
        noted!.ticket,
        {
          authorRef: omar,
          body: 'We are on it',
          visibility: 'public',
          source: 'portal',
          createdAt: T0 + 2,
        },
        {},
        [{ actorRef: omar, kind: 'comment' }],
      );
      const outside = await store.timeline(ticket.id, {
        includeInternal: false,
      });
      expect(outside.map(e => e.comment?.body)).toEqual([
        undefined,
        'We are on it',
      ]);
      const inside = await store.timeline(ticket.id, { includeInternal: true });
      expect(inside.map(e => e.comment?.body)).toEqual([
        undefined,
        'Looks like the retry storm',
        'We are on it',
      ]);
      expect((await store.get(ticket.id))!.commentCount).toBe(2);
    });

    it('imports a GitHub comment once, however often it arrives', async () => {
      const store = await createStore(databaseId);
      const ticket = await store.create(newTicket(), {
        actorRef: eli,
        kind: 'created',
      });
      const comment = {
        authorRef: 'github:octocat',
        body: 'Same here',
        visibility: 'public' as const,
        source: 'github' as const,
        createdAt: T0 + 5,
        githubCommentId: 9001,
      };
      const first = await store.addComment(ticket, comment, {}, [
        { actorRef: 'github:octocat', kind: 'comment' },
      ]);
      expect(first).toBeDefined();
      expect(
        await store.addComment(first!.ticket, comment, {}, [
          { actorRef: 'github:octocat', kind: 'comment' },
        ]),
      ).toBeUndefined();
      expect(
        (await store.timeline(ticket.id, { includeInternal: true })).filter(
          e => e.kind === 'comment',
        ),
      ).toHaveLength(1);
    });

    it('gives the SLA job only what is due, and lets a crossing be written once', async () => {
      const store = await createStore(databaseId);
      const ticket = await store.create(newTicket({ priority: 'P1' }), {
        actorRef: eli,
        kind: 'created',
      });
      await store.create(newTicket({ priority: 'P4' }), {
        actorRef: eli,
        kind: 'created',
      });
      expect(await store.dueForSla(T0 + 5 * MINUTE, 10)).toEqual([]);
      const due = await store.dueForSla(T0 + 12 * MINUTE, 10);
      expect(due.map(t => t.id)).toEqual([ticket.id]);
      const { sla, crossings } = advance(due[0].sla, T0 + 12 * MINUTE);
      expect(crossings).toEqual([{ clock: 'response', kind: 'warning' }]);
      const write = [
        {
          current: due[0],
          sla,
          events: [
            {
              actorRef: 'system:sla',
              kind: 'sla-warning' as const,
              to: 'response',
            },
          ],
        },
      ];
      expect(await store.applySla(write, T0)).toEqual([ticket.id]);
      // a second replica holding the same read writes nothing, and it is no longer due
      expect(await store.applySla(write, T0)).toEqual([]);
      expect(await store.dueForSla(T0 + 12 * MINUTE, 10)).toEqual([]);
      expect((await store.get(ticket.id))!.sla.response.state).toBe('warning');
    });

    it('refuses a replayed webhook delivery and hands each outbox item to one claimant', async () => {
      const store = await createStore(databaseId);
      const sync = DatabaseGithubSyncStore.create({ client: store.client });
      expect(await sync.recordDelivery('d-1', T0)).toBe(true);
      expect(await sync.recordDelivery('d-1', T0 + 1)).toBe(false);
      const ticket = await store.create(newTicket(), {
        actorRef: eli,
        kind: 'created',
      });
      const linked = await store.update(
        ticket,
        {
          github: {
            repo: 'stackpro/messaging',
            issueNumber: 7,
            state: 'synced',
          },
        },
        [],
        { at: T0 },
      );
      await store.update(
        linked,
        { labels: ['x'] },
        [{ actorRef: eli, kind: 'labels' }],
        { outbox: ['labels'], at: T0 },
      );
      const [a, b] = await Promise.all([
        sync.claimDue(T0 + 1, 10),
        sync.claimDue(T0 + 1, 10),
      ]);
      expect(a.length + b.length).toBe(1);
      expect(await sync.pendingKinds(ticket.id)).toEqual(['labels']);
    });
  },
);
