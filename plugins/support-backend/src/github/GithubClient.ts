import { Octokit } from '@octokit/rest';

/** A GitHub issue, as the sync reads it. */
export interface GithubIssue {
  number: number;
  title: string;
  state: 'open' | 'closed';
  stateReason?: string;
  labels: string[];
  htmlUrl: string;
}

export interface GithubComment {
  id: number;
  body: string;
  login: string;
  createdAt: string;
  updatedAt: string;
}

/** GitHub asked us to wait: nothing more is sent until `retryAt`. */
export class GithubRateLimited extends Error {
  constructor(readonly retryAt: number) {
    super(
      `GitHub's rate limit is used up until ${new Date(retryAt).toISOString()}`,
    );
  }
}

/** GitHub did not answer, or answered with an error. */
export class GithubUnavailable extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** Requests left under which polling stops until the limit resets. */
const POLL_RESERVE = 100;
const SECOND = 1000;

type Headers = Record<string, string | number | undefined>;

function issueOf(data: any): GithubIssue {
  return {
    number: data.number,
    title: data.title,
    state: data.state === 'closed' ? 'closed' : 'open',
    stateReason: data.state_reason ?? undefined,
    labels: (data.labels ?? [])
      .map((l: any) => (typeof l === 'string' ? l : l.name))
      .filter(Boolean),
    htmlUrl: data.html_url,
  };
}

function commentOf(data: any): GithubComment {
  return {
    id: data.id,
    body: data.body ?? '',
    login: data.user?.login ?? 'ghost',
    createdAt: data.created_at,
    updatedAt: data.updated_at,
  };
}

/**
 * The GitHub REST calls the sync makes, through `@octokit/rest`: conditional
 * reads with ETags (a 304 costs no rate limit), the rate limit read from every
 * answer, and a time-out on every call.
 */
export class GithubClient {
  private remaining = Infinity;
  private resetAt = 0;

  private constructor(
    private readonly octokit: (repo: string) => Promise<Octokit>,
    private readonly now: () => number,
  ) {}

  static create(options: {
    /** An Octokit authenticated for a repository (token or GitHub App installation). */
    octokitFor: (repo: string) => Promise<Octokit>;
    now?: () => number;
  }): GithubClient {
    return new GithubClient(options.octokitFor, options.now ?? Date.now);
  }

  /** Until when polling should wait, when the rate limit is nearly used up. */
  pollingBlockedUntil(): number | undefined {
    return this.remaining < POLL_RESERVE && this.resetAt > this.now()
      ? this.resetAt
      : undefined;
  }

  private observe(headers: Headers | undefined) {
    if (!headers) return;
    const remaining = headers['x-ratelimit-remaining'];
    const reset = headers['x-ratelimit-reset'];
    if (remaining !== undefined) this.remaining = Number(remaining);
    if (reset !== undefined) this.resetAt = Number(reset) * SECOND;
  }

  private async call<T>(
    repo: string,
    fn: (
      o: Octokit,
      owner: string,
      name: string,
    ) => Promise<{ headers: Headers; data: any; status: number }>,
    map: (data: any, headers: Headers) => T,
  ): Promise<T> {
    const [owner, name] = repo.split('/');
    try {
      const response = await fn(await this.octokit(repo), owner, name);
      this.observe(response.headers);
      return map(response.data, response.headers);
    } catch (e) {
      const error = e as {
        status?: number;
        message?: string;
        response?: { headers?: Headers };
      };
      const headers = error.response?.headers;
      this.observe(headers);
      if (error.status === 304) return map(undefined, headers ?? {});
      const retryAfter = headers?.['retry-after'];
      if (
        (error.status === 403 || error.status === 429) &&
        (retryAfter !== undefined ||
          Number(headers?.['x-ratelimit-remaining']) === 0)
      ) {
        const retryAt =
          retryAfter !== undefined
            ? this.now() + Number(retryAfter) * SECOND
            : Number(headers?.['x-ratelimit-reset']) * SECOND;
        throw new GithubRateLimited(retryAt);
      }
      throw new GithubUnavailable(
        `GitHub answered ${error.status ?? 'nothing'}: ${
          error.message ?? 'no answer'
        }`,
        error.status,
      );
    }
  }

  /** The issue, or `undefined` when unchanged since `etag`. */
  getIssue(repo: string, issueNumber: number, etag?: string) {
    return this.call(
      repo,
      (o, owner, name) =>
        o.issues.get({
          owner,
          repo: name,
          issue_number: issueNumber,
          headers: etag ? { 'if-none-match': etag } : {},
        }) as any,
      (data, headers) =>
        data
          ? { issue: issueOf(data), etag: headers.etag as string | undefined }
          : undefined,
    );
  }

  /** Comments updated since `since`, or `undefined` when unchanged since `etag`. */
  listComments(
    repo: string,
    issueNumber: number,
    since?: string,
    etag?: string,
  ) {
    return this.call(
      repo,
      (o, owner, name) =>
        o.issues.listComments({
          owner,
          repo: name,
          issue_number: issueNumber,
          since,
          per_page: 100,
          headers: etag ? { 'if-none-match': etag } : {},
        }) as any,
      (data, headers) =>
        data
          ? {
              comments: (data as any[]).map(commentOf),
              etag: headers.etag as string | undefined,
            }
          : undefined,
    );
  }

  createIssue(
    repo: string,
    issue: { title: string; body: string; labels: string[] },
  ) {
    return this.call(
      repo,
      (o, owner, name) =>
        o.issues.create({ owner, repo: name, ...issue }) as any,
      issueOf,
    );
  }

  updateIssue(
    repo: string,
    issueNumber: number,
    change: { state?: 'open' | 'closed'; labels?: string[]; title?: string },
  ) {
    return this.call(
      repo,
      (o, owner, name) =>
        o.issues.update({
          owner,
          repo: name,
          issue_number: issueNumber,
          ...change,
        }) as any,
      issueOf,
    );
  }

  createComment(repo: string, issueNumber: number, body: string) {
    return this.call(
      repo,
      (o, owner, name) =>
        o.issues.createComment({
          owner,
          repo: name,
          issue_number: issueNumber,
          body,
        }) as any,
      commentOf,
    );
  }

  updateComment(repo: string, commentId: number, body: string) {
    return this.call(
      repo,
      (o, owner, name) =>
        o.issues.updateComment({
          owner,
          repo: name,
          comment_id: commentId,
          body,
        }) as any,
      commentOf,
    );
  }

  /** Every comment of an issue (for finding one the portal may already have posted). */
  allComments(repo: string, issueNumber: number) {
    return this.call(
      repo,
      (o, owner, name) =>
        o.issues.listComments({
          owner,
          repo: name,
          issue_number: issueNumber,
          per_page: 100,
        }) as any,
      (data: any[]) => data.map(commentOf),
    );
  }
}
