import { FeatureFlagsClient } from './api';

/** A client whose every request gets `response`. */
function clientAnswering(response: Response) {
  const fetch = jest.fn(async () => response);
  const client = new FeatureFlagsClient({
    discoveryApi: { getBaseUrl: async () => 'http://portal/api/feature-flags' },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

const refusal = (status: number, statusText: string, message: string) =>
  new Response(
    JSON.stringify({
      error: { name: 'NotAllowedError', message },
      request: { method: 'PUT', url: '/api/feature-flags/flags' },
      response: { statusCode: status },
    }),
    { status, statusText, headers: { 'Content-Type': 'application/json' } },
  );

describe('FeatureFlagsClient', () => {
  it("says the server's reason when a toggle is refused, not the status line", async () => {
    const { client, fetch } = clientAnswering(
      refusal(
        403,
        'Forbidden',
        'Impersonation is read-only: this session cannot change anything',
      ),
    );
    await expect(
      client.toggle('stackpro', 'CAP_AI_ENABLED', 'staging', true),
    ).rejects.toMatchObject({
      message:
        'Impersonation is read-only: this session cannot change anything',
      statusCode: 403,
    });
    expect(fetch).toHaveBeenCalledWith(
      'http://portal/api/feature-flags/flags/stackpro/CAP_AI_ENABLED/environments/staging',
      expect.objectContaining({ method: 'PUT' }),
    );
  });

  it('says the maintenance message when an approval is refused during maintenance', async () => {
    const { client } = clientAnswering(
      refusal(
        503,
        'Service Unavailable',
        'Stack Portal is in maintenance: Database upgrade. Reading works; try your change again later.',
      ),
    );
    await expect(client.approve('cr1')).rejects.toThrow(
      'Stack Portal is in maintenance: Database upgrade. Reading works; try your change again later.',
    );
  });
});
