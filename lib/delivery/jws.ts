/**
 * RFC 7515 compact JWS, signed with node:crypto: a handful of lines for the algorithms a Security
 * Event Token receiver expects, so the package needs no JOSE library. The algorithm follows the
 * key (RSA RS256, RSA-PSS PS256, P-256 ES256, P-384 ES384, Ed25519 EdDSA, a secret HS256) unless
 * the host names one; a key that cannot sign with it is a TypeError at start-up.
 */
import { createHmac, createPrivateKey, createSecretKey, type KeyObject, constants, sign } from "node:crypto";

export const JWS_ALGORITHMS = ["RS256", "PS256", "ES256", "ES384", "EdDSA", "HS256"] as const;
/** A JWS algorithm securityEventSink signs with. */
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

export interface JwsSigner {
  alg: JwsAlgorithm;
  sign: (header: Record<string, unknown>, payload: Record<string, unknown>) => string;
}

export function jwsSigner(key: unknown, algorithm: unknown, label: string): JwsSigner {
  const keyObject = toKeyObject(key, label);
  const inferred = algorithmOf(keyObject);
  if (algorithm !== undefined && !(JWS_ALGORITHMS as readonly unknown[]).includes(algorithm))
    throw new TypeError(`express-scim: ${label}.algorithm must be one of ${JWS_ALGORITHMS.join(", ")}.`);
  const alg = (algorithm as JwsAlgorithm | undefined) ?? inferred;
  if (alg === undefined || (alg !== inferred && !(alg === "PS256" && inferred === "RS256")))
    throw new TypeError(
      `express-scim: ${label}.key cannot sign ${alg ?? "anything we know"}: use an RSA, RSA-PSS, P-256, P-384, Ed25519 private key or a secret.`,
    );
  const signature = signatureFor(alg, keyObject);
  return {
    alg,
    sign(header, payload) {
      const input = `${base64url({ ...header, alg })}.${base64url(payload)}`;
      return `${input}.${signature(Buffer.from(input)).toString("base64url")}`;
    },
  };
}

function toKeyObject(key: unknown, label: string): KeyObject {
  const hint = `${label}.key must be a private key (a KeyObject or PEM text) or, for HS256, a secret KeyObject`;
  try {
    if (typeof key === "string") return createPrivateKey(key);
    if (Buffer.isBuffer(key)) return createSecretKey(key);
  } catch {
    throw new TypeError(`express-scim: ${hint}.`);
  }
  const object = key as KeyObject | null;
  if (object === null || typeof object !== "object" || typeof object.type !== "string" || object.type === "public")
    throw new TypeError(`express-scim: ${hint}.`);
  return object;
}

function algorithmOf(key: KeyObject): JwsAlgorithm | undefined {
  if (key.type === "secret")
    return key.symmetricKeySize !== undefined && key.symmetricKeySize >= 32 ? "HS256" : undefined;
  switch (key.asymmetricKeyType) {
    case "rsa":
      return "RS256";
    case "rsa-pss":
      return "PS256";
    case "ed25519":
      return "EdDSA";
    case "ec": {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === "prime256v1" ? "ES256" : curve === "secp384r1" ? "ES384" : undefined;
    }
    default:
      return undefined;
  }
}

function signatureFor(alg: JwsAlgorithm, key: KeyObject): (input: Buffer) => Buffer {
  switch (alg) {
    case "HS256":
      return (input) => createHmac("sha256", key).update(input).digest();
    case "RS256":
      return (input) => sign("sha256", input, key);
    case "PS256":
      return (input) =>
        sign("sha256", input, {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        });
    // RFC 7518 3.4: ECDSA signatures are r || s, not DER.
    case "ES256":
      return (input) => sign("sha256", input, { key, dsaEncoding: "ieee-p1363" });
    case "ES384":
      return (input) => sign("sha384", input, { key, dsaEncoding: "ieee-p1363" });
    case "EdDSA":
      return (input) => sign(null, input, key);
  }
}

function base64url(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
