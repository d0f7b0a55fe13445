import { http, HttpResponse } from 'msw';

/** A repository as GitHub's API serves it, with a log of the calls made. */
export interface FakeRepository {
  sha: string;
  files: Record<string, { content: string; etag: string }>;
  calls: string[];
  failing: boolean;
}

export function fakeRepository(files: Record<string, string>): FakeRepository {
  return {
    sha: 'commit-1',
    files: Object.fromEntries(
      Object.entries(files).map(([p, content], i) => [
        p,
        { content, etag: `"etag-${i}"` },
      ]),
    ),
    calls: [],
    failing: false,
  };
}

/**
 * msw handlers for the parts of GitHub's REST API that Backstage's GitHub URL
 * reader uses: the commit status (the folder's ETag), the recursive tree (the
 * listing) and the contents API (each file, with ETag and 304).
 */
export function githubHandlers(
  repo: FakeRepository,
  owner = 'acme',
  name = 'decisions',
) {
  const api = `https://api.github.com/repos/${owner}/${name}`;
  const guard = (request: Request, label: string) => {
    repo.calls.push(label);
    if (request.headers.get('authorization') !== 'Bearer gh-test-token') {
      return HttpResponse.json({ message: 'Bad credentials' }, { status: 401 });
    }
    if (repo.failing) {
      return HttpResponse.json({ message: 'Server Error' }, { status: 502 });
    }
    return undefined;
  };
  return [
    http.get(`${api}/commits/:ref/status`, ({ request }) => {
      return (
        guard(request, 'status') ??
        HttpResponse.json({
          sha: repo.sha,
          repository: {
            archive_url: `${api}/{archive_format}{/ref}`,
            trees_url: `${api}/git/trees{/sha}`,
          },
        })
      );
    }),
    http.get(`${api}/git/trees/:sha`, ({ request, params }) => {
      return (
        guard(request, `tree ${params.sha}`) ??
        HttpResponse.json({
          sha: params.sha,
          truncated: false,
          tree: Object.keys(repo.files).map(p => ({
            path: p,
            type: 'blob',
            url: `${api}/git/blobs/${encodeURIComponent(p)}`,
          })),
        })
      );
    }),
    http.get(`${api}/contents/*`, ({ request }) => {
      const url = new URL(request.url);
      const filePath = decodeURIComponent(url.pathname.split('/contents/')[1]);
      const file = repo.files[filePath];
      const ifNoneMatch = request.headers.get('if-none-match');
      const denied = guard(
        request,
        `contents ${filePath}${
          ifNoneMatch ? ` if-none-match ${ifNoneMatch}` : ''
        }`,
      );
      if (denied) return denied;
      if (!file)
        return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
      if (ifNoneMatch === file.etag)
        return new HttpResponse(null, { status: 304 });
      return new HttpResponse(file.content, {
        status: 200,
        headers: { ETag: file.etag, 'Content-Type': 'text/plain' },
      });
    }),
  ];
}
