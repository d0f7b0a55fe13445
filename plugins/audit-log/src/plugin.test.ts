import '@testing-library/jest-dom';
import { auditLogPlugin } from './plugin';

describe('audit-log plugin', () => {
  it('provides the extensions the app config places by id', () => {
    for (const id of [
      'api:audit-log',
      'page:audit-log',
      'entity-content:audit-log/audit',
    ] as const) {
      expect(auditLogPlugin.getExtension(id)).toBeDefined();
    }
  });
});
