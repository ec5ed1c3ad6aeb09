/**
 * securityEventSink: RFC 9967 Security Event Tokens pushed to a real receiver, verified here with
 * node:crypto alone (not with the sink's own code), for each algorithm the sink signs with.
 */
import {
  createHmac,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  verify,
  constants,
} from "node:crypto";
import { securityEventSink } from "../../lib/delivery/set-sink";
import { envelope, never, type Receiver, startReceiver } from "./receiver";

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
const ed25519 = generateKeyPairSync("ed25519").privateKey;
const secret = createSecretKey(Buffer.alloc(32, 7));

const sink = (key: KeyObject | string, extra = {}) =>
  securityEventSink({
    url: receiver.url,
    allowInsecureLoopback: true,
    issuer: "https://scim.example.com/scim/v2",
    audience: "https://receiver.example.com",
    key,
    keyId: "2026-01",
    clock: () => new Date("2026-01-01T00:00:05Z"),
    ...extra,
  });

/** Splits and checks a compact JWS with node:crypto; returns its header and claims. */
function verified(token: string, key: KeyObject) {
  const [head, body, sig] = token.split(".") as [string, string, string];
  const header = JSON.parse(Buffer.from(head, "base64url").toString()) as { alg: string };
  const input = Buffer.from(`${head}.${body}`);
  const signature = Buffer.from(sig, "base64url");
  const pub = key.type === "secret" ? key : createPublicKey(key);
  const ok = {
    HS256: () => createHmac("sha256", key).update(input).digest().equals(signature),
    RS256: () => verify("sha256", input, pub, signature),
    PS256: () =>
      verify("sha256", input, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature),
    ES256: () => verify("sha256", input, { key: pub, dsaEncoding: "ieee-p1363" }, signature),
    ES384: () => verify("sha384", input, { key: pub, dsaEncoding: "ieee-p1363" }, signature),
    EdDSA: () => verify(null, input, pub, signature),
  }[header.alg]!();
  expect(ok).toBe(true);
  return { header, claims: JSON.parse(Buffer.from(body, "base64url").toString()) as Record<string, unknown> };
}

test.each([
  ["RS256", rsa, undefined],
  ["PS256", rsa, "PS256"],
  ["ES256", p256, undefined],
  ["ES384", p384, undefined],
  ["EdDSA", ed25519, undefined],
  ["HS256", secret, undefined],
] as const)("%s: a deactivation arrives as a signed prov:deactivate SET", async (alg, key, algorithm) => {
  const event = envelope({ type: "user.deactivated", resourceId: "u-1", time: "2026-01-01T00:00:00.000Z" });
  receiver.answer((_req, res) => res.writeHead(202).end());
  expect(await sink(key, { algorithm }).deliver(event, never)).toEqual({ ok: true });
  const [{ headers, body }] = receiver.received as [(typeof receiver.received)[0]];
  expect(headers["content-type"]).toBe("application/secevent+jwt");
  const { header, claims } = verified(body, key);
  expect(header).toEqual({ alg, typ: "secevent+jwt", kid: "2026-01" });
  expect(claims).toEqual({
    iss: "https://scim.example.com/scim/v2",
    aud: "https://receiver.example.com",
    iat: 1767225605,
    jti: event.id,
    toe: 1767225600,
    sub_id: { format: "scim", uri: "/Users/u-1" },
    events: { "urn:ietf:params:scim:event:prov:deactivate": {} },
  });
});

test("changes are notices naming the changed attributes; group members are `members`; skipped ids send nothing", async () => {
  const deliver = (e: Parameters<ReturnType<typeof sink>["deliver"]>[0]) => sink(ed25519).deliver(e, never);
  await deliver(envelope({ type: "user.updated", data: { changed: ["emails", "name.familyName"] } }));
  await deliver(envelope({ type: "group.members.added", resourceType: "Group", resourceId: "g-1", data: {} }));
  await deliver(envelope({ type: "user.reactivated" }));
  await deliver(envelope({ type: "group.deleted", resourceType: "Group", resourceId: "g-1" }));
  expect(await deliver(envelope({ type: "group.members.skipped", resourceType: "Group" }))).toEqual({ ok: true });
  const claims = receiver.received.map((r) => verified(r.body, ed25519).claims);
  expect(claims.map((c) => [c.sub_id, c.events])).toEqual([
    [
      expect.anything(),
      { "urn:ietf:params:scim:event:prov:patch:notice": { attributes: ["emails", "name.familyName"] } },
    ],
    [
      { format: "scim", uri: "/Groups/g-1" },
      { "urn:ietf:params:scim:event:prov:patch:notice": { attributes: ["members"] } },
    ],
    [expect.anything(), { "urn:ietf:params:scim:event:prov:activate": {} }],
    [{ format: "scim", uri: "/Groups/g-1" }, { "urn:ietf:params:scim:event:prov:delete": {} }],
  ]);
});

test("RFC 8935's error code of a 400 is kept as the reason", async () => {
  receiver.answer((_req, res) =>
    res.writeHead(400, { "content-type": "application/json" }).end('{"err":"invalid_key","description":"unknown kid"}'),
  );
  expect(await sink(ed25519).deliver(envelope(), never)).toEqual({ ok: false, error: "HTTP 400 invalid_key" });
});

test("keys that cannot sign, and missing claims, are refused at start-up", () => {
  const make = (extra: Record<string, unknown>) => () => sink(ed25519, extra);
  expect(make({ key: createPublicKey(rsa) })).toThrow(/key must be a private key/);
  expect(make({ key: "not a pem" })).toThrow(/key must be a private key/);
  expect(make({ key: createSecretKey(Buffer.alloc(8)) })).toThrow(/cannot sign/);
  expect(make({ key: p256, algorithm: "RS256" })).toThrow(/cannot sign RS256/);
  expect(make({ algorithm: "none" })).toThrow(/algorithm must be one of/);
  expect(make({ issuer: "" })).toThrow(/issuer must be a non-empty string/);
  expect(make({ audience: [42] })).toThrow(/audience\[0\]/);
  expect(make({ url: "http://hooks.example.com/set" })).toThrow(/must use https/);
  expect(make({ key: rsa.export({ format: "pem", type: "pkcs8" }) })).not.toThrow();
});
