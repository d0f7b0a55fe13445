import { ResponseError } from '@backstage/errors';
import { responseErrorOf } from './responseError';

describe('responseErrorOf', () => {
  it("says the server's message, keeping the status and the body", async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotAllowedError',
          message: 'Impersonation is read-only',
        },
        request: { method: 'POST', url: '/api/support/tickets' },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await responseErrorOf(response);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.message).toBe('Impersonation is read-only');
    expect(error.statusCode).toBe(403);
    expect(error.body.error.name).toBe('NotAllowedError');
  });

  it('says the status and the text of a body that is not an error body', async () => {
    const error = await responseErrorOf(
      new Response('upstream down', {
        status: 503,
        statusText: 'Service Unavailable',
      }),
    );
    expect(error.message).toBe(
      'Request failed with status 503 Service Unavailable, upstream down',
    );
    expect(error.statusCode).toBe(503);
  });
});
