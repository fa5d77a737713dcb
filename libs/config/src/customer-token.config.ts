import { createPublicKey } from 'node:crypto';
import type { CustomerTokenConfig } from './config.types';

type CustomerTokenEnv = {
  REGISTRATION_JWT_JWKS_URL?: string;
  REGISTRATION_JWT_PUBLIC_KEY?: string;
  REGISTRATION_JWT_SECRET?: string;
  REGISTRATION_JWT_ISSUER?: string;
  REGISTRATION_JWT_AUDIENCE?: string;
  REGISTRATION_JWT_CUSTOMER_CLAIM: string;
};

const ASYMMETRIC_KEY_TYPES = new Set(['rsa', 'rsa-pss', 'ec', 'ed25519', 'ed448']);

/**
 * The end-user binding of registrations (REGISTRATION_JWT_*): off unless one source of verification
 * keys is set; then the issuer and audience are required, so a token minted for another service
 * never binds a device here.
 */
export function buildCustomerTokenConfig(env: CustomerTokenEnv, problems: string[]): CustomerTokenConfig | undefined {
  const sources = (['REGISTRATION_JWT_JWKS_URL', 'REGISTRATION_JWT_PUBLIC_KEY', 'REGISTRATION_JWT_SECRET'] as const).filter(
    (name) => env[name] !== undefined,
  );
  if (sources.length === 0) return undefined;
  if (sources.length > 1) {
    problems.push(`${sources.join(' and ')}: set only one source of the customer token's verification key`);
    return undefined;
  }
  for (const name of ['REGISTRATION_JWT_ISSUER', 'REGISTRATION_JWT_AUDIENCE'] as const) {
    if (!env[name]) problems.push(`${name}: required when ${sources[0]} is set (the customer tokens' ${name === 'REGISTRATION_JWT_ISSUER' ? 'iss' : 'aud'} claim)`);
  }
  const key = verificationKey(env, problems);
  if (!key || !env.REGISTRATION_JWT_ISSUER || !env.REGISTRATION_JWT_AUDIENCE) return undefined;
  return {
    key,
    issuer: env.REGISTRATION_JWT_ISSUER,
    audience: env.REGISTRATION_JWT_AUDIENCE,
    customerClaim: env.REGISTRATION_JWT_CUSTOMER_CLAIM,
  };
}

function verificationKey(env: CustomerTokenEnv, problems: string[]): CustomerTokenConfig['key'] | undefined {
  if (env.REGISTRATION_JWT_JWKS_URL) {
    if (!/^https?:\/\//.test(env.REGISTRATION_JWT_JWKS_URL)) {
      problems.push('REGISTRATION_JWT_JWKS_URL: must be an https:// URL (http:// only for a local issuer)');
      return undefined;
    }
    return { type: 'jwks', url: env.REGISTRATION_JWT_JWKS_URL };
  }
  if (env.REGISTRATION_JWT_PUBLIC_KEY) {
    // One-line environments carry the PEM's line breaks as \n.
    const pem = env.REGISTRATION_JWT_PUBLIC_KEY.replace(/\\n/g, '\n');
    try {
      const type = createPublicKey(pem).asymmetricKeyType ?? '';
      if (!pem.includes('PUBLIC KEY-----') || !ASYMMETRIC_KEY_TYPES.has(type)) throw new Error(type);
    } catch {
      problems.push(
        'REGISTRATION_JWT_PUBLIC_KEY: must be a PEM public key (-----BEGIN PUBLIC KEY-----, RSA, EC or Ed25519), line breaks as \\n on one line',
      );
      return undefined;
    }
    return { type: 'public-key', pem };
  }
  return env.REGISTRATION_JWT_SECRET ? { type: 'secret', secret: env.REGISTRATION_JWT_SECRET } : undefined;
}
