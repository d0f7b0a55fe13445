import { DiscoveryService } from '@backstage/backend-plugin-api';
import {
  base64url,
  exportJWK,
  GeneralSign,
  generateKeyPair,
  JWK,
  SignJWT,
} from 'jose';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TOKEN_TYPES } from '../tokens';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const TOKEN_LIFETIME_S = 3600;

/**
 * Issues tokens the way Backstage's auth backend does (ES256, `typ` header,
 * the user identity proof `uip`, limited tokens made from it) and serves the
 * public keys as its JWKS, so tests verify real signatures.
 */
export class TestTokenIssuer {
  private constructor(
    private readonly server: Server,
    private readonly key: Key,
    private readonly kid: string,
    private readonly otherKey: Key,
  ) {}

  static async create(): Promise<TestTokenIssuer> {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const kid = 'test-key';
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
    const server = createServer((req, res) => {
      if (req.url === '/api/auth/.well-known/jwks.json') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return new TestTokenIssuer(server, privateKey, kid, other.privateKey);
  }

  get discovery(): DiscoveryService {
    const { port } = this.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}/api`;
    return {
      getBaseUrl: async pluginId => `${base}/${pluginId}`,
      getExternalBaseUrl: async pluginId => `${base}/${pluginId}`,
    };
  }

  /** A full user token, as the auth backend's sign-in issues it. */
  async userToken(
    claims: Record<string, unknown> & { sub: string },
    options: { expiresIn?: number; signWithOtherKey?: boolean } = {},
  ): Promise<string> {
    const key = options.signWithOtherKey ? this.otherKey : this.key;
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + (options.expiresIn ?? TOKEN_LIFETIME_S);
    const uip = await this.identityProof(key, claims.sub, iat, exp);
    return new SignJWT({ ...claims, aud: 'backstage', iat, exp, uip })
      .setProtectedHeader({
        typ: TOKEN_TYPES.user,
        alg: 'ES256',
        kid: this.kid,
      })
      .sign(key);
  }

  /** The limited form of a full token, made as Backstage's auth service makes it. */
  limitedOf(token: string): string {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString(),
    );
    return [
      base64url.encode(
        JSON.stringify({
          typ: TOKEN_TYPES.limitedUser,
          alg: 'ES256',
          kid: this.kid,
        }),
      ),
      base64url.encode(
        JSON.stringify({
          sub: payload.sub,
          iat: payload.iat,
          exp: payload.exp,
        }),
      ),
      payload.uip,
    ].join('.');
  }

  /** A plugin token carrying a user's limited token (its signature is the calling plugin's concern). */
  pluginTokenOnBehalfOf(limitedUserToken: string): string {
    const part = (v: object) => base64url.encode(JSON.stringify(v));
    return `${part({
      typ: TOKEN_TYPES.plugin,
      alg: 'ES256',
      kid: 'plugin-key',
    })}.${part({
      sub: 'scaffolder',
      aud: 'catalog',
      obo: limitedUserToken,
    })}.not-checked-here`;
  }

  async close() {
    await new Promise(resolve => this.server.close(resolve));
  }

  private async identityProof(key: Key, sub: string, iat: number, exp: number) {
    const jws = await new GeneralSign(
      new TextEncoder().encode(JSON.stringify({ sub, iat, exp })),
    )
      .addSignature(key)
      .setProtectedHeader({
        typ: TOKEN_TYPES.limitedUser,
        alg: 'ES256',
        kid: this.kid,
      })
      .done()
      .sign();
    return jws.signatures[0].signature;
  }
}

/** A token with the same claims and no valid signature: what a forger sends. */
export function forge(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {
    typ: TOKEN_TYPES.user,
    alg: 'ES256',
    kid: 'test-key',
  },
): string {
  const part = (v: object) => base64url.encode(JSON.stringify(v));
  return `${part(header)}.${part({
    aud: 'backstage',
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...claims,
  })}.${base64url.encode('forged-signature')}`;
}
