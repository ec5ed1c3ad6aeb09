/** scim()'s `webhooks` option: a mistake in any entry stops the app at start-up, with what to change. */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { scim, memoryStore } from "../../lib";
import { webhookSinks } from "../../lib/delivery/webhook-options";
import { TOKEN } from "../helpers/fixtures";

const secret = `whsec_${randomBytes(32).toString("base64")}`;
const key = generateKeyPairSync("ed25519").privateKey;
const build = (webhooks: unknown) => () =>
  scim({ store: memoryStore(), tokens: [{ token: TOKEN, scopes: ["get:users"] }], webhooks } as never);

test("a valid list builds; each entry becomes a sink of its format", () => {
  const webhooks = [
    { url: "https://hooks.example.com/scim", secret, events: ["user.deactivated"] },
    {
      format: "secevent+jwt",
      url: "https://receiver.example.com/events",
      issuer: "https://app.example.com/scim/v2",
      audience: "https://receiver.example.com",
      key,
    },
  ];
  expect(build(webhooks)).not.toThrow();
  expect(webhookSinks(webhooks).map((s) => s.name)).toEqual([
    "webhook https://hooks.example.com/scim",
    "webhook https://receiver.example.com/events",
  ]);
  expect(webhookSinks(undefined)).toEqual([]);
});

test("each mistake names the entry and the fix", () => {
  expect(build({ url: "https://x.example.com", secret })).toThrow(/webhooks must be a list/);
  expect(build(["https://x.example.com"])).toThrow(/webhooks\[0\] must be an object with a url/);
  expect(build([{ url: "http://hooks.example.com/scim", secret }])).toThrow(/webhooks\[0\]\.url must use https/);
  expect(build([{ url: "https://hooks.example.com/scim", secrets: secret }])).toThrow(
    /unknown option "webhooks\[0\]\.secrets"; known for standard-webhooks: format, url/,
  );
  expect(build([{ url: "https://hooks.example.com/scim", secret, format: "svix" }])).toThrow(/format must be/);
  expect(build([{ url: "https://hooks.example.com/scim", format: "secevent+jwt", key }])).toThrow(
    /webhooks\[0\]\.issuer must be a non-empty string/,
  );
  expect(build([{ url: "https://hooks.example.com/scim", secret, extra: 1 }])).toThrow(TypeError);
});

test("webhooks need the store's outbox, and every sink of a router has its own name", () => {
  const webhooks = [{ url: "https://hooks.example.com/scim", secret }];
  const options = { store: memoryStore(), tokens: [{ token: TOKEN, scopes: ["get:users"] }], webhooks };
  // Nothing would deliver them: a start-up error, not events that silently never leave.
  expect(() => scim({ ...options, delivery: false } as never)).toThrow(/outbox/);
  const { outbox: _none, ...withoutOutbox } = memoryStore();
  expect(() => scim({ ...options, store: withoutOutbox } as never)).toThrow(/outbox/);
  const clash = { name: "webhook https://hooks.example.com/scim", deliver: async () => ({ ok: true as const }) };
  expect(() => scim({ ...options, delivery: { sinks: [clash] } } as never)).toThrow(
    /delivery.sinks\[0\] and webhooks\[0\] are both named "webhook https:\/\/hooks.example.com\/scim"/,
  );
  // Two webhooks to one endpoint (their default names leave out the query) ...
  const twoTenants = [
    { url: "https://hooks.example.com/scim?tenant=a", secret },
    { url: "https://hooks.example.com/scim?tenant=b", secret },
  ];
  expect(() => scim({ ...options, webhooks: twoTenants } as never)).toThrow(
    /webhooks\[0\] and webhooks\[1\] are both named "webhook https:\/\/hooks.example.com\/scim"/,
  );
  // ... two host sinks, and a host sink taking the listeners' name.
  expect(() => scim({ ...options, webhooks: [], delivery: { sinks: [clash, clash] } } as never)).toThrow(
    /delivery.sinks\[0\] and delivery.sinks\[1\] are both named/,
  );
  const listeners = { name: "listeners", deliver: clash.deliver };
  expect(() =>
    scim({ ...options, webhooks: [], events: { "user.created": () => {} }, delivery: { sinks: [listeners] } } as never),
  ).toThrow(/"listeners" is the events listeners'/);
});
