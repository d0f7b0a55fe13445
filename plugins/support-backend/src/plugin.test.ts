import request from 'supertest';
import {
  as,
  databases,
  ENGINEER,
  MESSAGING,
  OUTSIDER,
  OWNER,
  startSupportBackend,
  SUPPORT,
} from './__testUtils__/backend';

jest.setTimeout(60_000);

const api = '/api/support';
const raise = {
  entityRef: MESSAGING,
  type: 'incident',
  priority: 'P2',
  title: 'Messages arrive twice since the 09:00 deploy',
  body: 'Every message is **delivered twice**.\n\n<script>alert(1)</script>',
  labels: ['duplicates'],
};

describe.each(databases.eachSupportedId())(
  'support tickets on %p',
  databaseId => {
    it('runs the flow: raise, the owning team answers, waits on the requester, the requester answers, resolved', async () => {
      const { server, sent, audited } = await startSupportBackend(databaseId);
      const created = await request(server)
        .post(`${api}/tickets`)
        .set('Authorization', as(ENGINEER))
        .send(raise);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        queueRef: 'group:default/team-ai',
        entityTitle: 'StackPro Messaging',
        status: 'new',
        requesterRef: ENGINEER,
        // the markdown is kept as written; the page renders it safely
        body: raise.body,
        sla: {
          policy: 'P2',
          response: { state: 'running' },
          resolution: { state: 'running' },
          paused: false,
        },
      });
      const id = created.body.id;
      expect(sent[0]).toMatchObject({
        recipients: { entityRef: ['group:default/team-ai'] },
        payload: {
          title: expect.stringContaining(`New P2 incident #${id}`),
          link: `/support/tickets/${id}`,
        },
      });

      const queue = await request(server)
        .get(`${api}/tickets`)
        .query({ queue: 'group:default/team-ai', priority: 'P2' })
        .set('Authorization', as(OWNER));
      expect(queue.body.items.map((t: any) => t.id)).toEqual([id]);

      const answer = await request(server)
        .post(`${api}/tickets/${id}/comments`)
        .set('Authorization', as(OWNER))
        .send({ body: 'Which tenant?' });
      expect(answer.status).toBe(201);
      const waiting = await request(server)
        .patch(`${api}/tickets/${id}`)
        .set('Authorization', as(OWNER))
        .send({ status: 'waiting_on_requester', assigneeRef: OWNER });
      expect(waiting.status).toBe(200);
      expect(waiting.body.ticket).toMatchObject({
        status: 'waiting_on_requester',
        assigneeRef: OWNER,
        sla: { paused: true, response: { state: 'met' } },
      });
      expect(waiting.body.ticket.firstResponseAt).toBeDefined();

      await request(server)
        .post(`${api}/tickets/${id}/comments`)
        .set('Authorization', as(ENGINEER))
        .send({ body: 'Tenant acme' })
        .expect(201);
      const answered = await request(server)
        .get(`${api}/tickets/${id}`)
        .set('Authorization', as(ENGINEER));
      expect(answered.body.ticket).toMatchObject({
        status: 'in_progress',
        sla: { paused: false },
      });
      // the answer shows once, the move it made beside it
      expect(
        answered.body.timeline.filter(
          (e: any) => e.comment?.body === 'Tenant acme',
        ),
      ).toHaveLength(1);

      const resolved = await request(server)
        .patch(`${api}/tickets/${id}`)
        .set('Authorization', as(OWNER))
        .send({ status: 'resolved' });
      expect(resolved.body.ticket).toMatchObject({
        status: 'resolved',
        sla: { resolution: { state: 'met' } },
      });
      expect(resolved.body.timeline.map((e: any) => e.kind)).toEqual([
        'created',
        'comment',
        'assignee',
        'status',
        'comment',
        'status',
        'status',
      ]);
      expect(
        audited.filter(a => a.outcome === 'succeeded').map(a => a.eventId),
      ).toEqual([
        'ticket-create',
        'ticket-comment',
        'ticket-update',
        'ticket-comment',
        'ticket-update',
      ]);
      // nobody is told of what they did themselves: Omar assigned himself
      expect(sent.map(n => n.payload.title)).not.toContain(
        `Ticket #${id} is assigned to you`,
      );
      expect(
        sent.find(n => n.payload.title === `Ticket #${id} is resolved`)
          ?.recipients,
      ).toMatchObject({
        entityRef: [ENGINEER],
      });
    });

    it('warns at 75 %, breaches when the clock passes, escalates to the support role, and does so once', async () => {
      const { server, sent, audited, run } = await startSupportBackend(
        databaseId,
        {
          support: {
            sla: {
              policies: { P1: { firstResponse: 'PT2S', resolution: 'PT1H' } },
            },
          },
        },
      );
      const { body: ticket } = await request(server)
        .post(`${api}/tickets`)
        .set('Authorization', as(ENGINEER))
        .send({ ...raise, priority: 'P1' });
      await run('support-sla-clocks');
      expect(sent.some(n => n.payload.title.startsWith('SLA'))).toBe(false);
      await new Promise(r => setTimeout(r, 1600));
      await run('support-sla-clocks');
      expect(
        sent.filter(n => n.payload.title.startsWith('SLA warning')),
      ).toHaveLength(1);
      await new Promise(r => setTimeout(r, 600));
      await run('support-sla-clocks');
      // a second run (or another replica) finds nothing left to announce
      await run('support-sla-clocks');
      const breach = sent.filter(n =>
        n.payload.title.startsWith('SLA breached'),
      );
      expect(breach).toHaveLength(1);
      expect(breach[0]).toMatchObject({
        recipients: {
          entityRef: ['group:default/team-ai', 'group:default/support'],
        },
        payload: {
          severity: 'critical',
          title: `SLA breached: P1 ticket #${ticket.id} missed its first response target`,
        },
      });
      const { body: view } = await request(server)
        .get(`${api}/tickets/${ticket.id}`)
        .set('Authorization', as(OWNER));
      expect(view.ticket.sla.response.state).toBe('breached');
      expect(view.timeline.map((e: any) => e.kind)).toEqual(
        expect.arrayContaining(['sla-breach']),
      );
      expect(
        audited.some(
          a => a.eventId === 'sla-crossing' && a.outcome === 'succeeded',
        ),
      ).toBe(true);
    });

    it('shows internal notes only to the owning team and the support role', async () => {
      const { server } = await startSupportBackend(databaseId);
      const { body: ticket } = await request(server)
        .post(`${api}/tickets`)
        .set('Authorization', as(ENGINEER))
        .send(raise);
      const note = await request(server)
        .post(`${api}/tickets/${ticket.id}/comments`)
        .set('Authorization', as(OWNER))
        .send({ body: 'Retry storm from the v2 SDK', visibility: 'internal' });
      expect(note.status).toBe(201);
      const bodies = async (who: string) =>
        (
          await request(server)
            .get(`${api}/tickets/${ticket.id}`)
            .set('Authorization', as(who))
        ).body.timeline
          .filter((e: any) => e.comment)
          .map((e: any) => e.comment.body);
      expect(await bodies(OWNER)).toEqual(['Retry storm from the v2 SDK']);
      expect(await bodies(SUPPORT)).toEqual(['Retry storm from the v2 SDK']);
      expect(await bodies(ENGINEER)).toEqual([]);
      const refused = await request(server)
        .post(`${api}/tickets/${ticket.id}/comments`)
        .set('Authorization', as(ENGINEER))
        .send({ body: 'sneaky', visibility: 'internal' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain(
        'Internal notes are for the owning team',
      );
    });

    it('checks who may move a ticket on the server: 403 without the right, 409 against the life cycle', async () => {
      const { server } = await startSupportBackend(databaseId, {
        support: { reopenWindowDays: 0 },
      });
      const { body: ticket } = await request(server)
        .post(`${api}/tickets`)
        .set('Authorization', as(ENGINEER))
        .send(raise);
      const path = `${api}/tickets/${ticket.id}`;
      const outsider = await request(server)
        .patch(path)
        .set('Authorization', as(OUTSIDER))
        .send({ status: 'closed' });
      expect(outsider.status).toBe(403);
      expect(outsider.body.error.message).toContain(
        'Only the owning team (group:default/team-ai)',
      );
      const priority = await request(server)
        .patch(path)
        .set('Authorization', as(ENGINEER))
        .send({ priority: 'P1' });
      expect(priority.status).toBe(403);
      // the requester may close their own ticket
      await request(server)
        .patch(path)
        .set('Authorization', as(ENGINEER))
        .send({ status: 'closed' })
        .expect(200);
      const illegal = await request(server)
        .patch(path)
        .set('Authorization', as(OWNER))
        .send({ status: 'triaged' });
      expect(illegal.status).toBe(409);
      expect(illegal.body.error.message).toContain(
        'A closed ticket cannot become triaged',
      );
      const late = await request(server)
        .patch(path)
        .set('Authorization', as(ENGINEER))
        .send({ status: 'in_progress' });
      expect(late.status).toBe(409);
      expect(late.body.error.message).toContain('can no longer be reopened');
      const stale = await request(server)
        .patch(path)
        .set('Authorization', as(SUPPORT))
        .send({ title: 'x', expectedVersion: 1 });
      expect(stale.status).toBe(409);
    });

    it('refuses bad input with a 4xx that says what to fix, and writes nothing', async () => {
      const { server } = await startSupportBackend(databaseId);
      const post = (body: object) =>
        request(server)
          .post(`${api}/tickets`)
          .set('Authorization', as(ENGINEER))
          .send(body);
      const unknownPriority = await post({ ...raise, priority: 'P9' });
      expect(unknownPriority.status).toBe(400);
      expect(unknownPriority.body.error.message).toBe(
        'Invalid ticket: priority: "P9" is not one of P1, P2, P3, P4',
      );
      const huge = await post({ ...raise, body: 'x'.repeat(40_000) });
      expect(huge.status).toBe(400);
      expect(huge.body.error.message).toContain(
        'the description is longer than 32,000 characters',
      );
      const enormous = await post({ ...raise, body: 'x'.repeat(400_000) });
      expect(enormous.status).toBe(413);
      const unknownEntity = await post({
        ...raise,
        entityRef: 'component:default/nope',
      });
      expect(unknownEntity.status).toBe(404);
      const badLabel = await post({ ...raise, labels: ['<b>'] });
      expect(badLabel.status).toBe(400);
      const { body: ticket } = await post(raise);
      const badState = await request(server)
        .patch(`${api}/tickets/${ticket.id}`)
        .set('Authorization', as(OWNER))
        .send({ status: 'done' });
      expect(badState.status).toBe(400);
      expect(badState.body.error.message).toContain(
        '"done" is not one of new, triaged',
      );
      const badSort = await request(server)
        .get(`${api}/tickets`)
        .query({ sort: 'random' })
        .set('Authorization', as(OWNER));
      expect(badSort.status).toBe(400);
      const notANumber = await request(server)
        .get(`${api}/tickets/abc`)
        .set('Authorization', as(OWNER));
      expect(notANumber.status).toBe(400);
      const all = await request(server)
        .get(`${api}/tickets`)
        .query({ state: 'all' })
        .set('Authorization', as(OWNER));
      expect(all.body.items).toHaveLength(1);
    });

    it('keeps the support queue to the support role and bulk-assigns what the caller may', async () => {
      const { server } = await startSupportBackend(databaseId);
      const ids: number[] = [];
      for (const entityRef of [
        MESSAGING,
        'component:default/stackpro-datalake',
      ]) {
        ids.push(
          (
            await request(server)
              .post(`${api}/tickets`)
              .set('Authorization', as(ENGINEER))
              .send({ ...raise, entityRef })
          ).body.id,
        );
      }
      expect(
        (
          await request(server)
            .get(`${api}/tickets`)
            .query({ queue: 'support' })
            .set('Authorization', as(ENGINEER))
        ).status,
      ).toBe(403);
      const all = await request(server)
        .get(`${api}/tickets`)
        .query({ queue: 'support' })
        .set('Authorization', as(SUPPORT));
      expect(all.body.items).toHaveLength(2);
      const bulk = await request(server)
        .post(`${api}/tickets/bulk-assign`)
        .set('Authorization', as(OWNER))
        .send({ ticketIds: [...ids, 999], assigneeRef: OWNER });
      expect(bulk.body.assigned).toEqual([ids[0]]);
      expect(bulk.body.refused.map((r: any) => r.id)).toEqual([ids[1], 999]);
      const queues = await request(server)
        .get(`${api}/queues`)
        .set('Authorization', as(SUPPORT));
      expect(queues.body.items[0]).toMatchObject({ ref: 'support', open: 2 });
    });
  },
);
