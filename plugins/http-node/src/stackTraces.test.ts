import { hideStackTraces, withoutStack } from './stackTraces';

describe('hideStackTraces', () => {
  const errorBody = {
    error: {
      name: 'InputError',
      message: 'Invalid decisions query: system: must be a reference',
      stack:
        'InputError: Invalid ...\n    at /work/plugins/adr-backend/src/router.ts:95:11',
      cause: {
        name: 'Error',
        message: 'inner',
        stack: 'Error: inner\n    at x',
      },
    },
    request: { method: 'GET', url: '/api/adr/adrs?system=x' },
    response: { statusCode: 400 },
  };

  function respond(show: boolean, statusCode: number, body: unknown) {
    let sent: unknown;
    const res = {
      statusCode,
      json(b: unknown) {
        sent = b;
        return this;
      },
    };
    const next = jest.fn();
    hideStackTraces({ show })({}, res, next);
    expect(next).toHaveBeenCalled();
    res.json(body);
    return sent as any;
  }

  it('sends a 4xx error without the stack of the error or of its cause, message intact', () => {
    const sent = respond(false, 400, errorBody);
    expect(sent.error.message).toBe(errorBody.error.message);
    expect(JSON.stringify(sent)).not.toContain('router.ts');
    expect(sent.error.stack).toBeUndefined();
    expect(sent.error.cause).toEqual({ name: 'Error', message: 'inner' });
    expect(sent.response.statusCode).toBe(400);
  });

  it('keeps the stack when configured to show it', () => {
    expect(respond(true, 400, errorBody).error.stack).toContain('router.ts');
  });

  it('leaves successful bodies alone, even with a field named error', () => {
    const ok = { error: { stack: 'kept: this is data' } };
    expect(respond(false, 200, ok)).toEqual(ok);
  });

  it('leaves bodies without an error alone', () => {
    expect(withoutStack({ items: [] })).toEqual({ items: [] });
    expect(withoutStack('text')).toBe('text');
  });
});
