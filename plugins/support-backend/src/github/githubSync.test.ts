import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  as,
  databases,
  ENGINEER,
  MESSAGING,
  OWNER,
  startSupportBackend,
} from '../__testUtils__/backend';
import { FakeGithub } from '../__testUtils__/fakeGithub';

jest.setTimeout(90_000);

const SECRET = 'webhook-secret-for-tests';
const api = '/api/support';
const github = new FakeGithub('stackpro/messaging', SECRET);
const server = setupServer(...github.handlers());
// the portal's own API (supertest) is not GitHub: let it through
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => server.close());

/** Waits until `check` passes (the outbox and polling run on the scheduler). */
async function eventually(
  check: () => Promise<void> | void,
  timeoutMs = 20_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise(r => setTimeout(r, 250));
    }
  }
}

const config = {
  integrations: { github: [{ host: 'github.com', token: 'ghp_test' }] },
  support: {
    github: {
      webhookSecret: SECRET,
      flushInterval: 'PT1S',
      pollInterval: 'PT1S',
      retryBackoff: 'PT1S',
    },
  },
};

// one database is enough here: the sync's SQL is the store's, tested on both
const [databaseId] = databases.eachSupportedId().slice(-1)[0];

describe('GitHub Issues sync, against a stateful GitHub behind the real @octokit/rest', () => {
  it('opens the issue, syncs comments, labels and status both ways, survives an outage and refuses replays', async () => {
    const { server: portal, run } = await startSupportBackend(
      databaseId,
      config,
    );
    const flush = () => run('support-github-outbox');
    const poll = () => run('support-github-poll');
    const { body: ticket } = await request(portal)
      .post(`${api}/tickets`)
      .set('Authorization', as(ENGINEER))
      .send({
        entityRef: MESSAGING,
        type: 'bug',
        priority: 'P3',
        title: 'Typing indicator stuck',
        body: 'It never goes away',
        labels: ['ui'],
      });

    // only the owning team may link
    const refused = await request(portal)
      .post(`${api}/tickets/${ticket.id}/github`)
      .set('Authorization', as(ENGINEER))
      .send({ action: 'open' });
    expect(refused.status).toBe(403);
    const opened = await request(portal)
      .post(`${api}/tickets/${ticket.id}/github`)
      .set('Authorization', as(OWNER))
      .send({ action: 'open' });
    expect(opened.status).toBe(200);
    const issueNumber = opened.body.ticket.github.issueNumber;
    const issue = github.issues.get(issueNumber)!;
    expect(issue).toMatchObject({
      title: 'Typing indicator stuck',
      labels: ['ui'],
    });
    expect(issue.body).toContain(`<!-- stack-portal:ticket:${ticket.id} -->`);

    // a public comment goes to GitHub once; an internal note never does
    await request(portal)
      .post(`${api}/tickets/${ticket.id}/comments`)
      .set('Authorization', as(OWNER))
      .send({ body: 'Reproduced on v2' })
      .expect(201);
    await request(portal)
      .post(`${api}/tickets/${ticket.id}/comments`)
      .set('Authorization', as(OWNER))
      .send({ body: 'secret cause', visibility: 'internal' })
      .expect(201);
    await eventually(() =>
      expect(issue.comments.map(c => c.body.split('\n')[0])).toEqual([
        'Reproduced on v2',
      ]),
    );

    // GitHub's side, by webhook: a comment arrives once, a replay and a forgery are refused
    const theirs = github.comment(issueNumber, 'octocat', 'Same on Android');
    const delivery = await github.delivery(
      'issue_comment',
      {
        action: 'created',
        issue: github.issueJson(issue),
        comment: theirs,
        sender: { login: 'octocat' },
      },
      'delivery-1',
    );
    const hook = () =>
      request(portal)
        .post(`${api}/github/webhook`)
        .set(delivery.headers)
        .send(delivery.body);
    expect((await hook()).status).toBe(202);
    const replay = await hook();
    expect(replay.status).toBe(409);
    expect(replay.body.error.message).toContain('a replay is refused');
    const forged = await request(portal)
      .post(`${api}/github/webhook`)
      .set({
        ...delivery.headers,
        'x-github-delivery': 'delivery-2',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      })
      .send(delivery.body);
    expect(forged.status).toBe(403);

    // the poller finds the same comment again and does not duplicate it
    await poll();
    await poll();
    const view = async () =>
      (
        await request(portal)
          .get(`${api}/tickets/${ticket.id}`)
          .set('Authorization', as(ENGINEER))
      ).body;
    expect(
      (await view()).timeline.filter(
        (e: any) => e.comment?.body === 'Same on Android',
      ),
    ).toHaveLength(1);
    // and asks with ETags: unchanged issues cost 304s, not rate limit
    expect(github.notModified).toBeGreaterThan(0);

    // labels and status from GitHub without a webhook: polling picks them up
    issue.labels = ['ui', 'android'];
    issue.state = 'closed';
    issue.state_reason = 'completed';
    await poll();
    expect((await view()).ticket).toMatchObject({
      status: 'resolved',
      labels: ['ui', 'android'],
    });

    // an outage: the portal's change waits, the sync state says so, nothing is lost
    github.down = true;
    await request(portal)
      .patch(`${api}/tickets/${ticket.id}`)
      .set('Authorization', as(OWNER))
      .send({ status: 'in_progress' })
      .expect(200);
    await request(portal)
      .post(`${api}/tickets/${ticket.id}/comments`)
      .set('Authorization', as(OWNER))
      .send({ body: 'Reopened: regression' })
      .expect(201);
    await eventually(async () =>
      expect((await view()).ticket.github).toMatchObject({ state: 'error' }),
    );
    // GitHub comes back, but loses the answer to the first write: the retry finds the comment instead of posting it twice
    github.down = false;
    github.loseNextAnswer = true;
    await eventually(async () => {
      await flush();
      expect(issue.state).toBe('open');
      expect(
        issue.comments.filter(c => c.body.startsWith('Reopened: regression')),
      ).toHaveLength(1);
    }, 60_000);
    await eventually(async () => {
      await flush();
      expect((await view()).ticket.github).toMatchObject({ state: 'synced' });
    }, 60_000);

    // rate limited: the sync waits until the reset and shows it
    github.rateLimited = true;
    await request(portal)
      .patch(`${api}/tickets/${ticket.id}`)
      .set('Authorization', as(OWNER))
      .send({ labels: ['ui'] })
      .expect(200);
    await eventually(async () =>
      expect((await view()).ticket.github).toMatchObject({
        state: 'rate_limited',
        retryAt: expect.any(String),
      }),
    );
    github.rateLimited = false;
  });
});
