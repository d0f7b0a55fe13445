import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '../../../..');
const config = parse(
  fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
);

type Rule = { allow: string[] };
type Location = { type: string; target: string; rules?: Rule[] };

const allowed = (rules: Rule[] | undefined) =>
  (rules ?? []).flatMap(r => r.allow);

describe('catalog rules (Backstage threat model)', () => {
  it('never lets an arbitrary location register User, Group or Template entities', () => {
    const global = allowed(config.catalog.rules);
    expect(global).not.toEqual(expect.arrayContaining(['User']));
    for (const kind of ['User', 'Group', 'Template']) {
      expect(global).not.toContain(kind);
    }
  });

  it('takes User and Group only from the org file, and Template only from templates/', () => {
    const locations: Location[] = config.catalog.locations;
    const kindsOf = (l: Location) => allowed(l.rules);
    const peopleFrom = locations
      .filter(l => kindsOf(l).includes('User') || kindsOf(l).includes('Group'))
      .map(l => l.target);
    const templatesFrom = locations
      .filter(l => kindsOf(l).includes('Template'))
      .map(l => l.target);
    expect(peopleFrom).toEqual(['../../catalog/org/org.yaml']);
    expect(templatesFrom.length).toBeGreaterThan(0);
    for (const target of templatesFrom) {
      expect(target).toMatch(/^\.\.\/\.\.\/templates\//);
    }
    expect(locations.some(l => allowed(l.rules).includes('User'))).toBe(true);
  });
});
