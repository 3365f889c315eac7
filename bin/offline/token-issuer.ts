/** The offline stand-in for Cognito: HS256 tokens with the same claims, signed by a secret kept in the data dir. */

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { STAFF_GROUPS, type StaffGroup } from '../../lambdas/domain/staff';

const ISSUER = 'overdue-local';
const AUDIENCE = 'overdue-staff-api';

export interface TokenRequest {
  readonly user: string;
  readonly group: string;
  readonly bank: string;
  /** Lifetime in real seconds (tokens live in real time, not on the virtual clock). */
  readonly ttlSeconds?: number;
}

/** The claims API Gateway's Cognito authorizer would put on the request. */
export type StaffClaims = Record<string, unknown> & {
  sub: string;
  'cognito:groups': StaffGroup[];
  'custom:bankId': string;
};

export class TokenRequestError extends Error {}

export class LocalTokenIssuer {
  private constructor(private readonly secret: Uint8Array) {}

  /** Loads the signing secret from `<dataDir>/token.secret`, creating it (mode 0600) on first use. */
  static async inDataDir(dataDir: string): Promise<LocalTokenIssuer> {
    return new LocalTokenIssuer(await readOrCreateSecret(join(dataDir, 'token.secret'), 32));
  }

  async issue(request: TokenRequest): Promise<{ token: string; expiresAt: string }> {
    if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(request.user ?? ''))
      throw new TokenRequestError('user must be an id');
    if (!(STAFF_GROUPS as readonly string[]).includes(request.group)) {
      throw new TokenRequestError(`group must be one of ${STAFF_GROUPS.join(', ')}`);
    }
    if (!/^[a-z0-9-]{2,32}$/.test(request.bank ?? '')) throw new TokenRequestError('bank must be a bank id');
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (request.ttlSeconds ?? 12 * 3600);
    const token = await new SignJWT({ 'cognito:groups': [request.group], 'custom:bankId': request.bank })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(request.user)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.secret);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** Verifies signature, issuer, audience and expiry; returns the claims or undefined when any fails. */
  async verify(token: string): Promise<StaffClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      if (typeof payload.sub !== 'string' || typeof payload['custom:bankId'] !== 'string') return undefined;
      return payload as StaffClaims;
    } catch {
      return undefined;
    }
  }
}

/** Reads a secret file, or creates it with `bytes` random bytes, readable by the owner only. */
export async function readOrCreateSecret(path: string, bytes: number): Promise<Buffer> {
  try {
    await writeFile(path, randomBytes(bytes), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = await readFile(path);
  if (secret.length !== bytes)
    throw new Error(`${path} must hold exactly ${bytes} bytes; delete it to regenerate`);
  return secret;
}
