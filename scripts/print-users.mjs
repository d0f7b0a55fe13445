// Prints the seeded users who can use the development sign-in, with their teams
// and the roles that app-config.yaml's `stackPortal.roles` gives their groups.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const yaml = require('yaml');

const config = yaml.parse(readFileSync(join(root, 'app-config.yaml'), 'utf8'));
const roles = config.stackPortal?.roles ?? {};
const port = process.env.PORTAL_PORT ?? '7007';
const docs = yaml
  .parseAllDocuments(readFileSync(join(root, 'catalog/org/org.yaml'), 'utf8'))
  .map(d => d.toJS());
const users = docs.filter(d => d?.kind === 'User');

const roleOf = user => {
  const refs = (user.spec.memberOf ?? []).map(g => `group:default/${g}`);
  const held = Object.entries(roles)
    .filter(([, groups]) => groups.some(g => refs.includes(g)))
    .map(([role]) => role);
  return held.length ? held.join(', ') : 'engineer';
};

console.log(`\n  Stack Portal: http://localhost:${port}`);
console.log('  Sign in as one of these users (development sign-in):\n');
for (const u of users) {
  const name = u.spec.profile?.displayName ?? u.metadata.name;
  console.log(
    `    ${u.metadata.name.padEnd(14)} ${name.padEnd(14)} ${(
      u.spec.memberOf ?? []
    )
      .join(', ')
      .padEnd(32)} ${roleOf(u)}`,
  );
}
console.log(
  `\n  Token for a script: curl -s -H 'x-stack-portal-user: eli.martin' http://localhost:${port}/api/auth/development/refresh | node -pe 'JSON.parse(require("fs").readFileSync(0)).backstageIdentity.token'\n`,
);
