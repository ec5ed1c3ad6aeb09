/**
 * examples/webhooks: the host app starts with a webhook configured, and its receiver verifies
 * what a webhookSink sends, ends the user's sessions on `user.deactivated`, handles a retry once
 * and refuses a forged delivery. Both run as child processes, as their README starts them.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { webhookSink } from "../../lib";
import type { EventEnvelope } from "../../lib/events/envelope";
import { PATCH_OP, USER_SCHEMA } from "../helpers/fixtures";
import { freePort, root, type RunningExample, scimRequest, startExample, untilPrinted } from "./start-example";

const SECRET = `whsec_${Buffer.from("a webhook secret for the example test!").toString("base64")}`;
const TOKEN = "webhooks-example-test-token-0123456789";
const never = new AbortController().signal;

async function startReceiver() {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "examples", "webhooks", "receiver.js")], {
    env: { ...process.env, RECEIVER_PORT: String(port), WEBHOOK_SECRET: SECRET },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await untilPrinted(child, () => output, "examples/webhooks/receiver.js");
  return {
    base: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/webhooks/scim`,
    output: () => output,
    printed: (pattern: RegExp) => untilPrinted(child, () => output, "examples/webhooks/receiver.js", pattern),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill();
      await exited;
    },
  };
}

const deactivation = (userId: string, id: string): EventEnvelope => ({
  id,
  type: "user.deactivated",
  tenant: "default",
  seq: 1,
  resourceType: "User",
  resourceId: userId,
  actor: "idp",
  time: new Date().toISOString(),
  data: { changed: ["active"] },
});

describe("examples/webhooks", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let app: RunningExample;
  beforeAll(async () => {
    receiver = await startReceiver();
    app = await startExample("webhooks", { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET, SCIM_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
  });

  test("a SCIM deactivation reaches the receiver, signed, and ends the user's sessions there", async () => {
    const scimBase = `${app.base}/scim/v2`;
    const user = await scimRequest(`${scimBase}/Users`, TOKEN, "POST", { schemas: [USER_SCHEMA], userName: "ada" });
    expect(user.status).toBe(201);
    for (let i = 0; i < 2; i++)
      expect((await fetch(`${receiver.base}/login/${user.body.id}`, { method: "POST" })).status).toBe(204);
    const patched = await scimRequest(`${scimBase}/Users/${user.body.id}`, TOKEN, "PATCH", {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", value: { active: false } }],
    });
    expect(patched.status).toBe(200);
    expect(app.output()).toContain(`Webhooks to: ${receiver.url}`);
    // Delivered from scim()'s outbox after the answer: no request of the test's carries it.
    await receiver.printed(new RegExp(`ended 2 session\\(s\\) of user ${user.body.id}`));
  });

  test("a signed deactivation ends the user's sessions, once, however often it is delivered", async () => {
    for (let i = 0; i < 2; i++)
      expect((await fetch(`${receiver.base}/login/u-42`, { method: "POST" })).status).toBe(204);
    const sink = webhookSink({ url: receiver.url, secret: SECRET, allowInsecureLoopback: true });
    const event = deactivation("u-42", "evt_example_1");
    expect(await sink.deliver(event, never)).toEqual({ ok: true });
    await receiver.printed(/ended 2 session\(s\) of user u-42/);
    // A retry (the same webhook-id) is acknowledged without doing the work again.
    expect(await sink.deliver(event, never)).toEqual({ ok: true });
    await receiver.printed(/already handled evt_example_1/);
    expect(receiver.output().match(/ended \d+ session\(s\) of user u-42/g)).toHaveLength(1);
  });

  test("a delivery signed with another secret is refused, and the sender will retry it", async () => {
    const forged = webhookSink({
      url: receiver.url,
      secret: `whsec_${Buffer.from("not the receiver's secret, certainly!").toString("base64")}`,
      allowInsecureLoopback: true,
    });
    expect(await forged.deliver(deactivation("u-43", "evt_example_2"), never)).toEqual({
      ok: false,
      error: "HTTP 400",
    });
    await receiver.printed(/refused a delivery with a bad signature/);
    expect(receiver.output()).not.toMatch(/user u-43/);
  });
});
