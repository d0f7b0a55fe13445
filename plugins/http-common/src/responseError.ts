import { ResponseError } from '@backstage/errors';

/**
 * The `ResponseError` of a failed response, with the server's message (the
 * `error.message` of Backstage's error body) as its message, so that toasts,
 * alerts and panels tell people what the server said. The status stays on
 * `statusCode`, the body on `body`. A response without such a body says its
 * status and text ("Request failed with status 503 ..., upstream down").
 */
export async function responseErrorOf(
  response: Response,
): Promise<ResponseError> {
  const error = await ResponseError.fromResponse(response);
  const serverMessage = error.body?.error?.message;
  if (typeof serverMessage === 'string' && serverMessage.trim()) {
    error.message = serverMessage;
  }
  return error;
}
