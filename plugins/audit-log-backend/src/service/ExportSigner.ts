import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  AuditSigningKey,
  canonicalJson,
  ExportManifest,
} from '@internal/backstage-plugin-audit-log-common';
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  timingSafeEqual,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The Ed25519 key that signs export manifests, and the secret behind the
 * query cursors. From `auditLog.export.signingKey` (PEM, a secret), else
 * from `auditLog.export.signingKeyFile` (generated there on first start: the
 * embedded default keeps it under data/).
 */
export class ExportSigner {
  private readonly cursorKey: Buffer;
  readonly publicKey: AuditSigningKey;

  private constructor(private readonly privateKey: KeyObject) {
    const publicKey = createPublicKey(privateKey);
    const der = publicKey.export({ type: 'spki', format: 'der' });
    this.publicKey = {
      algorithm: 'Ed25519',
      publicKeyPem: publicKey
        .export({ type: 'spki', format: 'pem' })
        .toString(),
      fingerprint: createHash('sha256').update(der).digest('hex'),
    };
    this.cursorKey = createHash('sha256')
      .update(privateKey.export({ type: 'pkcs8', format: 'der' }))
      .update('audit-log cursor')
      .digest();
  }

  static fromConfig(
    config: RootConfigService,
    logger: LoggerService,
  ): ExportSigner {
    const pem = config.getOptionalString('auditLog.export.signingKey');
    if (pem) {
      return new ExportSigner(
        ExportSigner.checked(
          createPrivateKey(pem),
          'auditLog.export.signingKey',
        ),
      );
    }
    const file = config.getOptionalString('auditLog.export.signingKeyFile');
    if (file) {
      const resolved = path.resolve(file);
      if (!fs.existsSync(resolved)) {
        fs.mkdirSync(path.dirname(resolved), { recursive: true });
        const { privateKey } = generateKeyPairSync('ed25519');
        fs.writeFileSync(
          resolved,
          privateKey.export({ type: 'pkcs8', format: 'pem' }),
          {
            mode: 0o600,
          },
        );
        logger.info(`Generated the audit export signing key at ${resolved}`);
      }
      return new ExportSigner(
        ExportSigner.checked(
          createPrivateKey(fs.readFileSync(resolved)),
          resolved,
        ),
      );
    }
    logger.warn(
      'No auditLog.export.signingKey or signingKeyFile: export manifests are signed with a key that is lost at restart',
    );
    return new ExportSigner(generateKeyPairSync('ed25519').privateKey);
  }

  static fromPrivateKey(privateKey: KeyObject): ExportSigner {
    return new ExportSigner(privateKey);
  }

  private static checked(key: KeyObject, where: string): KeyObject {
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new Error(
        `${where} must be an Ed25519 private key, not ${key.asymmetricKeyType}`,
      );
    }
    return key;
  }

  /** Signs the manifest's canonical JSON (without `signature`). */
  signManifest(manifest: Omit<ExportManifest, 'signature'>): ExportManifest {
    const signature = sign(
      null,
      Buffer.from(canonicalJson(manifest)),
      this.privateKey,
    ).toString('base64');
    return { ...manifest, signature };
  }

  /** Signs any document's canonical JSON (without `signature`): report manifests. */
  signDocument<T extends { signature: string }>(
    document: Omit<T, 'signature'>,
  ): T {
    const signature = sign(
      null,
      Buffer.from(canonicalJson(document)),
      this.privateKey,
    ).toString('base64');
    return { ...document, signature } as T;
  }

  /** A cursor for "events older than seq": opaque and unforgeable. */
  cursorFor(seq: number): string {
    const mac = createHmac('sha256', this.cursorKey)
      .update(String(seq))
      .digest('base64url')
      .slice(0, 22);
    return Buffer.from(`${seq}.${mac}`).toString('base64url');
  }

  /** The seq inside a cursor this backend issued, or undefined. */
  seqOfCursor(cursor: string): number | undefined {
    const [seq, mac] = Buffer.from(cursor, 'base64url').toString().split('.');
    if (!/^[0-9]+$/.test(seq ?? '') || !mac) return undefined;
    const expected = createHmac('sha256', this.cursorKey)
      .update(seq)
      .digest('base64url')
      .slice(0, 22);
    if (
      expected.length !== mac.length ||
      !timingSafeEqual(Buffer.from(expected), Buffer.from(mac))
    ) {
      return undefined;
    }
    return Number(seq);
  }
}
