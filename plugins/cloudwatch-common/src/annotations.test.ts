import {
  hasCloudWatchAnnotations,
  readCloudWatchAnnotations,
} from './annotations';

const read = (annotations: Record<string, string>) =>
  readCloudWatchAnnotations(
    Object.fromEntries(
      Object.entries(annotations).map(([k, v]) => [
        `stackportal.io/cloudwatch-${k}`,
        v,
      ]),
    ),
  );

describe('readCloudWatchAnnotations', () => {
  it("reads a capability's namespace, dimensions, alarms, dashboard and account", () => {
    expect(
      read({
        namespace: 'stackpro.capability',
        dimensions: 'capability=messaging, stage = sandbox',
        alarms: 'StackPro-Messaging-*',
        dashboard: 'StackPro-Messaging-Sandbox',
        account: 'sandbox',
      }),
    ).toEqual({
      target: {
        namespace: 'stackpro.capability',
        dimensions: [
          { name: 'capability', value: 'messaging' },
          { name: 'stage', value: 'sandbox' },
        ],
        alarms: { prefix: 'StackPro-Messaging-' },
        dashboard: 'StackPro-Messaging-Sandbox',
        account: 'sandbox',
      },
      problems: [],
    });
    expect(read({ alarms: 'A, B' }).target.alarms).toEqual({
      names: ['A', 'B'],
    });
  });

  it.each([
    [{ namespace: 'has spaces' }, 'namespace', /is not a CloudWatch namespace/],
    [
      { namespace: 'x', dimensions: 'capability' },
      'dimensions',
      /"capability" is not a Name=Value dimension/,
    ],
    [
      { namespace: 'x', dimensions: 'a=1,a=2' },
      'dimensions',
      /names the dimension a twice/,
    ],
    [{ dimensions: 'a=1' }, 'dimensions', /has no namespace to apply to/],
    [{ alarms: 'A-*, B' }, 'alarms', /mixes a prefix with other names/],
    [{ alarms: ' , ' }, 'alarms', /names no alarm/],
    [
      { dashboard: 'My dashboard!' },
      'dashboard',
      /is not a CloudWatch dashboard name/,
    ],
    [{ account: ' ' }, 'account', /is empty/],
  ])('says what is wrong with %j', (annotations, which, message) => {
    const { problems } = read(annotations as Record<string, string>);
    expect(problems).toHaveLength(1);
    expect(problems[0].annotation).toBe(`stackportal.io/cloudwatch-${which}`);
    expect(problems[0].message).toMatch(message);
  });

  it('keeps the usable annotations when one is wrong', () => {
    const { target, problems } = read({
      namespace: 'stackpro.capability',
      dimensions: 'capability=ai',
      dashboard: 'bad name',
    });
    expect(problems).toHaveLength(1);
    expect(target.namespace).toBe('stackpro.capability');
    expect(target.dashboard).toBeUndefined();
  });

  it('tells which entities have something to show', () => {
    const entity = (annotations: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Component',
      metadata: { name: 'x', annotations },
    });
    expect(
      hasCloudWatchAnnotations(
        entity({ 'stackportal.io/cloudwatch-dashboard': 'D' }),
      ),
    ).toBe(true);
    expect(
      hasCloudWatchAnnotations(
        entity({ 'stackportal.io/health-endpoint': 'x' }),
      ),
    ).toBe(false);
  });
});
