#!/usr/bin/env node
// Checks an audit log export against its manifest, offline, with nothing but
// Node.js: the file's SHA-256, the Ed25519 signature over the manifest, the
// row count, and (optionally) that the signing key is the one you expect.
//
//   node scripts/verify-audit-export.mjs <export.csv|.ndjson> <manifest.json> [--fingerprint <hex>]
//
// An audit report: its manifest and any of its files (the PDF, report.json,
// the CSVs), in any order; each file is matched to the manifest's entry by
// its name (a download is called audit-report-<id>-<name>), and an altered
// file is named with the byte ranges that differ.
//
//   node scripts/verify-audit-export.mjs <report manifest.json> <file>... [--fingerprint <hex>]
//
// The fingerprint (SHA-256 of the public key) is shown on the portal's
// Compliance page and in docs/audit-log.md. Exit code 0: verified; 1: not.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

function canonicalJson(value) {
  if (value === null || typeof value !== 'object')
    return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value
      .map(v => (v === undefined ? 'null' : canonicalJson(v)))
      .join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a === b ? 0 : a < b ? -1 : 1));
  return `{${entries
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
    .join(',')}}`;
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

const args = process.argv.slice(2);
const fpAt = args.indexOf('--fingerprint');
const expectedFingerprint = fpAt >= 0 ? args[fpAt + 1] : undefined;
const paths =
  fpAt >= 0 ? [...args.slice(0, fpAt), ...args.slice(fpAt + 2)] : args;

/** The manifest's key and signature, and the expected fingerprint: failures in words. */
function checkSignature(manifest) {
  const { signature, ...signed } = manifest;
  const problems = [];
  const key = createPublicKey(manifest.publicKeyPem);
  const fingerprint = createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  if (fingerprint !== manifest.publicKeyFingerprint)
    problems.push("the manifest's key fingerprint does not match its key");
  if (
    expectedFingerprint &&
    fingerprint !== expectedFingerprint.toLowerCase()
  ) {
    problems.push(
      `signed with key ${fingerprint}, not the expected ${expectedFingerprint}`,
    );
  }
  if (
    !verify(
      null,
      Buffer.from(canonicalJson(signed)),
      key,
      Buffer.from(signature ?? '', 'base64'),
    )
  ) {
    problems.push(
      'the manifest signature does not verify (manifest changed, or signed by another key)',
    );
  }
  return { problems, fingerprint };
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const sha = b => createHash('sha256').update(b).digest('hex');

/** Which bytes of a report file differ from its entry, by the manifest's block hashes. */
function alteredRanges(bytes, entry, blockSize) {
  const ranges = [];
  const blocks = Math.max(
    entry.blockSha256.length,
    Math.ceil(bytes.length / blockSize),
  );
  for (let i = 0; i < blocks; i++) {
    if (
      entry.blockSha256[i] !==
      sha(bytes.subarray(i * blockSize, (i + 1) * blockSize))
    ) {
      ranges.push(
        `${i * blockSize}-${
          Math.min((i + 1) * blockSize, Math.max(bytes.length, entry.bytes)) - 1
        }`,
      );
    }
  }
  return ranges;
}

function verifyReport(manifestPath, manifest, files) {
  const { problems, fingerprint } = checkSignature(manifest);
  if (!files.length)
    problems.push(
      'no report file given: name the PDF, report.json or CSVs to check',
    );
  for (const path of files) {
    const name = basename(path);
    const entry = manifest.files
      .filter(f => name === f.name || name.endsWith(`-${f.name}`))
      .sort((a, b) => b.name.length - a.name.length)[0];
    if (!entry) {
      problems.push(
        `${name} is not a file of report ${
          manifest.reportId
        } (it has ${manifest.files.map(f => f.name).join(', ')})`,
      );
      continue;
    }
    const bytes = readFileSync(path);
    if (sha(bytes) !== entry.sha256 || bytes.length !== entry.bytes) {
      const size =
        bytes.length === entry.bytes
          ? ''
          : ` (${bytes.length} bytes, the manifest says ${entry.bytes})`;
      problems.push(
        `${name} was altered: bytes ${alteredRanges(
          bytes,
          entry,
          manifest.blockSize,
        ).join(', ')} differ from the signed manifest${size}`,
      );
    }
  }
  if (problems.length) {
    console.log(`NOT VERIFIED: report ${manifest.reportId} (${manifestPath})`);
    problems.forEach(f => console.log(`  - ${f}`));
    process.exit(1);
  }
  console.log(
    `VERIFIED: report ${manifest.reportId} "${manifest.title}": ${
      files.length
    } file(s) (${files.map(f => basename(f)).join(', ')}), ` +
      `events #${manifest.firstSeq ?? '-'} to #${
        manifest.lastSeq ?? '-'
      }, chain head ${manifest.chainHead?.hash ?? '-'}, ` +
      `chain verified ${
        manifest.chainVerified ? 'yes' : 'NO'
      }, signed by key ${fingerprint} at ${manifest.createdAt} for ${
        manifest.createdBy
      }`,
  );
  process.exit(manifest.chainVerified ? 0 : 1);
}

const reportManifestAt = paths.findIndex(
  p => p.endsWith('.json') && readJson(p)?.type === 'audit-report',
);
if (reportManifestAt >= 0) {
  verifyReport(
    paths[reportManifestAt],
    readJson(paths[reportManifestAt]),
    paths.filter((_, i) => i !== reportManifestAt),
  );
}

const [file, manifestFile] = paths;
if (!file || !manifestFile) {
  console.error(
    'usage: node scripts/verify-audit-export.mjs <export file> <manifest.json> [--fingerprint <hex>]',
  );
  console.error(
    '       node scripts/verify-audit-export.mjs <report manifest.json> <report file>... [--fingerprint <hex>]',
  );
  process.exit(2);
}
const bytes = readFileSync(file);
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const failures = [];

const sha256 = createHash('sha256').update(bytes).digest('hex');
if (sha256 !== manifest.sha256)
  failures.push(
    `file SHA-256 ${sha256} differs from the manifest's ${manifest.sha256}`,
  );

const signatureCheck = checkSignature(manifest);
failures.push(...signatureCheck.problems);
const fingerprint = signatureCheck.fingerprint;
const rows = rowsIn(bytes, manifest.format);
if (rows !== manifest.rowCount)
  failures.push(
    `the file holds ${rows} rows, the manifest says ${manifest.rowCount}`,
  );

if (failures.length) {
  console.log(`NOT VERIFIED: ${file}`);
  failures.forEach(f => console.log(`  - ${f}`));
  process.exit(1);
}
console.log(
  `VERIFIED: ${file}: ${rows} rows, events #${manifest.firstSeq ?? '-'} to #${
    manifest.lastSeq ?? '-'
  }, ` +
    `SHA-256 ${sha256}, signed by key ${fingerprint} at ${manifest.createdAt} for ${manifest.createdBy}`,
);
