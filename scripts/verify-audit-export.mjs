#!/usr/bin/env node
// Checks an audit log export against its manifest, offline, with nothing but
// Node.js: the file's SHA-256, the Ed25519 signature over the manifest, the
// row count, and (optionally) that the signing key is the one you expect.
//
//   node scripts/verify-audit-export.mjs <export.csv|.ndjson> <manifest.json> [--fingerprint <hex>]
//
// The fingerprint (SHA-256 of the public key) is shown on the portal's
// Compliance page and in docs/audit-log.md. Exit code 0: verified; 1: not.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(v => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a === b ? 0 : a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

// Counted on the bytes (quotes and line feeds are ASCII in UTF-8): a large
// export is longer than the longest string Node.js can hold.
function rowsIn(bytes, format) {
  const LF = 0x0a;
  const QUOTE = 0x22;
  let rows = 0;
  if (format === 'ndjson') {
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === LF && i > 0 && bytes[i - 1] !== LF) rows++;
    }
    if (bytes.length && bytes[bytes.length - 1] !== LF) rows++;
    return rows;
  }
  // CSV: count record ends outside quotes, minus the header
  let quoted = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === QUOTE) quoted = !quoted;
    else if (c === LF && !quoted) rows++;
  }
  return rows - 1;
}

const [file, manifestFile, ...rest] = process.argv.slice(2);
if (!file || !manifestFile) {
  console.error('usage: node scripts/verify-audit-export.mjs <export file> <manifest.json> [--fingerprint <hex>]');
  process.exit(2);
}
const expectedFingerprint = rest[0] === '--fingerprint' ? rest[1] : undefined;
const bytes = readFileSync(file);
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const { signature, ...signed } = manifest;
const failures = [];

const sha256 = createHash('sha256').update(bytes).digest('hex');
if (sha256 !== manifest.sha256) failures.push(`file SHA-256 ${sha256} differs from the manifest's ${manifest.sha256}`);

const key = createPublicKey(manifest.publicKeyPem);
const fingerprint = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
if (fingerprint !== manifest.publicKeyFingerprint) failures.push('the manifest\'s key fingerprint does not match its key');
if (expectedFingerprint && fingerprint !== expectedFingerprint.toLowerCase()) {
  failures.push(`signed with key ${fingerprint}, not the expected ${expectedFingerprint}`);
}
if (!verify(null, Buffer.from(canonicalJson(signed)), key, Buffer.from(signature ?? '', 'base64'))) {
  failures.push('the manifest signature does not verify (manifest changed, or signed by another key)');
}
const rows = rowsIn(bytes, manifest.format);
if (rows !== manifest.rowCount) failures.push(`the file holds ${rows} rows, the manifest says ${manifest.rowCount}`);

if (failures.length) {
  console.log(`NOT VERIFIED: ${file}`);
  failures.forEach(f => console.log(`  - ${f}`));
  process.exit(1);
}
console.log(
  `VERIFIED: ${file}: ${rows} rows, events #${manifest.firstSeq ?? '-'} to #${manifest.lastSeq ?? '-'}, ` +
    `SHA-256 ${sha256}, signed by key ${fingerprint} at ${manifest.createdAt} for ${manifest.createdBy}`,
);
