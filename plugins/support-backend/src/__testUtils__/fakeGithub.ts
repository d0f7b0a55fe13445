import { Webhooks } from '@octokit/webhooks';
import { http, HttpResponse } from 'msw';
import { createHash } from 'node:crypto';

const API = 'https://api.github.com';
const HOUR_S = 3600;

interface FakeComment {
  id: number;
  body: string;
  user: { login: string };
  created_at: string;
  updated_at: string;
}

interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  comments: FakeComment[];
}

/**
 * A stateful stand-in for GitHub's REST API behind msw: issues, comments and
 * labels kept in memory, ETags with 304 answers, rate-limit headers, outages,
 * rate limiting and an answer lost after the write, and signed webhooks.
 */
export class FakeGithub {
  readonly issues = new Map<number, FakeIssue>();
  private nextIssue = 1;
  private nextComment = 1000;
  private clock = Date.parse('2026-12-01T10:00:00Z');
  remaining = 5000;
  /** Every request GitHub answered with data (304s cost nothing and are counted apart). */
  calls: string[] = [];
  notModified = 0;
  down = false;
  rateLimited = false;
  /** The next write is made, but its answer never arrives. */
  loseNextAnswer = false;

  constructor(readonly repo: string, private readonly secret: string) {}

  private tick() {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private headers(etag?: string): Record<string, string> {
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(this.remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + HOUR_S),
      ...(etag ? { etag } : {}),
    };
  }

  private refuse(): Response | undefined {
    if (this.down)
      return HttpResponse.json(
        { message: 'Service unavailable' },
        { status: 503 },
      );
    if (this.rateLimited) {
      this.remaining = 0;
      return HttpResponse.json(
        { message: 'API rate limit exceeded' },
        { status: 403, headers: this.headers() },
      );
    }
    return undefined;
  }

  private answer(data: unknown, request: Request, status = 200): Response {
    const etag = `"${createHash('sha1')
      .update(JSON.stringify(data))
      .digest('hex')}"`;
    if (
      request.method === 'GET' &&
      request.headers.get('if-none-match') === etag
    ) {
      this.notModified++;
      return new HttpResponse(null, {
        status: 304,
        headers: this.headers(etag),
      });
    }
    this.remaining--;
    this.calls.push(`${request.method} ${new URL(request.url).pathname}`);
    if (this.loseNextAnswer && request.method === 'POST') {
      this.loseNextAnswer = false;
      return HttpResponse.json({ message: 'Bad gateway' }, { status: 502 });
    }
    return HttpResponse.json(data as never, {
      status,
      headers: this.headers(etag),
    });
  }

  issueJson(issue: FakeIssue) {
    return {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: issue.state_reason,
      labels: issue.labels.map(name => ({ name })),
      html_url: `https://github.com/${this.repo}/issues/${issue.number}`,
    };
  }

  private issueOr404(n: unknown) {
    return this.issues.get(Number(n));
  }

  /** GitHub's side: someone opens an issue there. */
  openIssue(title: string): FakeIssue {
    const issue: FakeIssue = {
      number: this.nextIssue++,
      title,
      body: '',
      state: 'open',
      state_reason: null,
      labels: [],
      comments: [],
    };
    this.issues.set(issue.number, issue);
    return issue;
  }

  /** GitHub's side: someone comments there. */
  comment(issueNumber: number, login: string, body: string): FakeComment {
    const at = this.tick();
    const comment = {
      id: this.nextComment++,
      body,
      user: { login },
      created_at: at,
      updated_at: at,
    };
    this.issues.get(issueNumber)!.comments.push(comment);
    return comment;
  }

  handlers() {
    const base = `${API}/repos/${this.repo}/issues`;
    return [
      http.post(base, async ({ request }) => {
        const refused = this.refuse();
        if (refused) return refused;
        const input = (await request.json()) as {
          title: string;
          body: string;
          labels?: string[];
        };
        const issue = this.openIssue(input.title);
        issue.body = input.body;
        issue.labels = input.labels ?? [];
        return this.answer(this.issueJson(issue), request, 201);
      }),
      http.get(`${base}/:n`, ({ params, request }) => {
        const refused = this.refuse();
        if (refused) return refused;
        const issue = this.issueOr404(params.n);
        if (!issue)
          return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
        return this.answer(this.issueJson(issue), request);
      }),
      http.patch(`${base}/:n`, async ({ params, request }) => {
        const refused = this.refuse();
        if (refused) return refused;
        const issue = this.issueOr404(params.n)!;
        const change = (await request.json()) as Partial<{
          state: 'open' | 'closed';
          labels: string[];
          title: string;
        }>;
        if (change.state) issue.state = change.state;
        if (change.labels) issue.labels = change.labels;
        if (change.title) issue.title = change.title;
        return this.answer(this.issueJson(issue), request);
      }),
      http.get(`${base}/:n/comments`, ({ params, request }) => {
        const refused = this.refuse();
        if (refused) return refused;
        const since = new URL(request.url).searchParams.get('since');
        const comments = this.issueOr404(params.n)!.comments.filter(
          c => !since || c.updated_at >= since,
        );
        return this.answer(comments, request);
      }),
      http.post(`${base}/:n/comments`, async ({ params, request }) => {
        const refused = this.refuse();
        if (refused) return refused;
        const { body } = (await request.json()) as { body: string };
        return this.answer(
          this.comment(Number(params.n), 'stack-portal[bot]', body),
          request,
          201,
        );
      }),
      http.patch(`${base}/comments/:id`, async ({ params, request }) => {
        const refused = this.refuse();
        if (refused) return refused;
        const { body } = (await request.json()) as { body: string };
        const comment = [...this.issues.values()]
          .flatMap(i => i.comments)
          .find(c => c.id === Number(params.id))!;
        comment.body = body;
        comment.updated_at = this.tick();
        return this.answer(comment, request);
      }),
    ];
  }

  /** A webhook delivery as GitHub would send it, signed with the shared secret. */
  async delivery(
    event: 'issues' | 'issue_comment',
    payload: object,
    deliveryId: string,
  ) {
    const body = JSON.stringify({
      ...payload,
      repository: { full_name: this.repo },
    });
    const signature = await new Webhooks({ secret: this.secret }).sign(body);
    return {
      body,
      headers: {
        'x-github-event': event,
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': signature,
        'content-type': 'application/json',
      },
    };
  }
}
