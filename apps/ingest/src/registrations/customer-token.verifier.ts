import { createPublicKey, type KeyObject } from 'node:crypto';
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { APP_CONFIG, type AppConfig, type CustomerTokenConfig } from '@app/config';
import { ID_PATTERN } from './registration-fields';

/** Tolerated difference between the issuer's clock and ours (exp, nbf, iat). */
export const CLOCK_SKEW_SECONDS = 30;
/**
 * Least time between two JWKS fetches caused by an unknown `kid`: a key rotation is picked up
 * within seconds, and tokens with made-up kids cannot turn every request into a fetch.
 */
export const JWKS_COOLDOWN_MS = 5_000;
/** The cached JWKS is refetched at the next verification once it is this old, kid known or not. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;

const ALGORITHMS_BY_KEY_TYPE: Record<string, string[]> = {
  rsa: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'rsa-pss': ['PS256', 'PS384', 'PS512'],
  ec: ['ES256', 'ES384', 'ES512'],
  ed25519: ['EdDSA'],
  ed448: ['EdDSA'],
};
/** Asymmetric algorithms only: an HMAC "signed" with a public key, or `alg: none`, never verifies. */
const JWKS_ALGORITHMS = [...new Set(Object.values(ALGORITHMS_BY_KEY_TYPE).flat())];

type VerificationKey = KeyObject | Uint8Array | JWTVerifyGetKey;

/**
 * Verifies the customer JWT that binds an app registration to its customer (REGISTRATION_JWT_*):
 * signature, exp (required), nbf, iss, aud and an allow-list of algorithms, and returns the
 * customerId claim. Tokens are never logged or stored.
 */
@Injectable()
export class CustomerTokenVerifier {
  private readonly settings?: { key: VerificationKey; algorithms: string[]; config: CustomerTokenConfig };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const tokenConfig = config.registrations.customerToken;
    if (tokenConfig) this.settings = { ...verificationKey(tokenConfig), config: tokenConfig };
  }

  /** True when registrations are bound to customers. */
  get enabled(): boolean {
    return this.settings !== undefined;
  }

  /** The verified customerId; 401 for a token that does not verify, 503 when the JWKS cannot be fetched. */
  async customerId(jwt: string): Promise<string> {
    if (!this.settings) throw new Error('customer tokens are not configured');
    const { key, algorithms, config } = this.settings;
    let payload: Record<string, unknown>;
    try {
      // jwtVerify's overloads split on the key's type; both take the same options.
      ({ payload } = await jwtVerify(jwt, key as Uint8Array, {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw tokenProblem(error);
    }
    const customerId = payload[config.customerClaim];
    if (typeof customerId !== 'string' || !ID_PATTERN.test(customerId)) {
      throw unauthorized(`the customer token's ${config.customerClaim} claim must be the customerId (1-256 printable characters)`);
    }
    return customerId;
  }
}

function verificationKey(config: CustomerTokenConfig): { key: VerificationKey; algorithms: string[] } {
  switch (config.key.type) {
    case 'secret':
      return { key: new TextEncoder().encode(config.key.secret), algorithms: ['HS256'] };
    case 'public-key': {
      const key = createPublicKey(config.key.pem);
      return { key, algorithms: ALGORITHMS_BY_KEY_TYPE[key.asymmetricKeyType ?? ''] ?? [] };
    }
    case 'jwks':
      return {
        key: createRemoteJWKSet(new URL(config.key.url), {
          cooldownDuration: JWKS_COOLDOWN_MS,
          cacheMaxAge: JWKS_MAX_AGE_MS,
          timeoutDuration: 5_000,
        }),
        algorithms: JWKS_ALGORITHMS,
      };
  }
}

const CLAIM_NAMES: Record<string, string> = { iss: 'issuer', aud: 'audience', nbf: 'not-before time' };

function tokenProblem(error: unknown): HttpException {
  // The issuer's JWKS unreachable, answering non-200 or malformed: our problem, not the caller's.
  const keysUnavailable = ['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC'];
  if (!(error instanceof errors.JOSEError) || keysUnavailable.includes(error.code)) {
    return new HttpException(
      { statusCode: 503, error: 'Service Unavailable', message: "the customer tokens' keys (REGISTRATION_JWT_JWKS_URL) cannot be fetched" },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
  if (error instanceof errors.JWTExpired) return unauthorized('the customer token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = CLAIM_NAMES[error.claim];
    if (error.reason === 'missing') return unauthorized(`the customer token has no ${error.claim} claim`);
    return unauthorized(claim ? `the customer token's ${claim} is not accepted` : `the customer token's ${error.claim} claim is not valid`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthorized("the customer token's algorithm is not accepted");
  if (error instanceof errors.JWKSNoMatchingKey) return unauthorized("the customer token's key id is not known");
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthorized("the customer token's signature is not valid");
  return unauthorized('the customer token is not a valid signed JWT');
}

export function unauthorized(message: string): HttpException {
  return new HttpException({ statusCode: 401, error: 'Unauthorized', message }, HttpStatus.UNAUTHORIZED);
}
