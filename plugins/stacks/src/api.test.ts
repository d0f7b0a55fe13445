import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { StacksClient } from './api';
import { stacksResponse } from './__testUtils__/fixtures';

describe('StacksClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new StacksClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: mockApis.fetch(),
  });

  it('sends every filter value as a repeated query parameter', async () => {
    let requested: URL | undefined;
    server.use(
      http.get('http://backstage.test/api/stacks/stacks', ({ request }) => {
        requested = new URL(request.url);
        return HttpResponse.json(stacksResponse());
      }),
    );

    const response = await client.getStacks({
      domain: ['domain:default/core-infrastructure'],
      layer: ['L1', 'L4'],
      status: ['missing'],
    });

    expect(response.summary.total).toBe(4);
    expect(requested?.searchParams.getAll('domain')).toEqual([
      'domain:default/core-infrastructure',
    ]);
    expect(requested?.searchParams.getAll('layer')).toEqual(['L1', 'L4']);
    expect(requested?.searchParams.getAll('status')).toEqual(['missing']);
    expect(requested?.searchParams.has('priority')).toBe(false);
  });

  it('asks for every stack without a filter', async () => {
    let search: string | undefined;
    server.use(
      http.get('http://backstage.test/api/stacks/stacks', ({ request }) => {
        search = new URL(request.url).search;
        return HttpResponse.json(stacksResponse());
      }),
    );

    await client.getStacks();

    expect(search).toBe('');
  });

  it("throws a ResponseError carrying the backend's message on a refused request", async () => {
    server.use(
      http.get('http://backstage.test/api/stacks/stacks', () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'layer: "L9" is not one of L1, L2',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );

    const failure = client.getStacks({ layer: ['L1'] });

    await expect(failure).rejects.toBeInstanceOf(ResponseError);
    await expect(failure).rejects.toMatchObject({
      statusCode: 400,
      body: { error: { message: 'layer: "L9" is not one of L1, L2' } },
    });
  });
});
