import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import express from "express";
import request from "supertest";
import { ALL_SCOPES, memoryStore, type Store } from "../../lib";
import { host } from "./app";
import { TOKEN, USER_SCHEMA, expectScimError } from "../helpers/fixtures";
import { checkedScim } from "../helpers/openapi-contract";

const user = (userName: string) => JSON.stringify({ schemas: [USER_SCHEMA], userName });

describe("request bodies", () => {
  test.each([["application/scim+json; charset=utf-8"], ["application/json"], [undefined]])(
    "Content-Type %s is read as JSON",
    async (type) => {
      const h = host();
      const t = request(h.app).post("/scim/v2/Users").set("Authorization", `Bearer ${TOKEN}`);
      const body = user(`ct-${type ?? "none"}@example.com`);
      // A Buffer goes out as raw bytes with no Content-Type; a string keeps the one set.
      const res = await (type ? t.set("Content-Type", type).send(body) : t.send(Buffer.from(body)));
      expect(res.status).toBe(201);
    },
  );

  test("Okta's Content-Type on GET and DELETE is harmless", async () => {
    const h = host();
    await h.get("/Users").set("Content-Type", "application/scim+json").expect(200);
  });

  test("a body over the limit is 413 in the SCIM format", async () => {
    const h = host({ limits: { bodyBytes: 1024 } });
    const res = await h.post("/Users", { schemas: [USER_SCHEMA], userName: "big", title: "x".repeat(5000) });
    expectScimError(res, 413);
  });

  test("body limits are per route: a 2 MB user is refused where a 2 MB group is taken", async () => {
    const h = host();
    const big = "x".repeat(2 * 1024 * 1024);
    expectScimError(await h.post("/Users", { schemas: [USER_SCHEMA], userName: "huge", title: big }), 413);
    // (Not in externalId: indexed values are at most 512 characters, docs/stores.md.)
    const group = await h.post("/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "Huge",
      description: big,
    });
    expect(group.status).toBe(201);
    expectScimError(await h.post("/Users/.search", { filter: `userName eq "${"y".repeat(70 * 1024)}"` }), 413);
  });

  test("a JSON array or an empty body is a clear 400", async () => {
    const h = host();
    expectScimError(await h.post("/Users", []), 400);
    expectScimError(await h.post("/Users").set("Content-Type", "application/json"), 400, "invalidSyntax");
  });

  test("works behind a host's express.json() that already consumed the body", async () => {
    const app = express();
    app.use(express.json({ type: ["application/json", "application/scim+json"] }));
    app.use("/scim/v2", ...checkedScim({ store: memoryStore(), tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }] }));
    const res = await request(app)
      .post("/scim/v2/Users")
      .set("Authorization", `Bearer ${TOKEN}`)
      .set("Content-Type", "application/scim+json")
      .send(user("parsed@example.com"));
    expect(res.status).toBe(201);
    expect(res.body.userName).toBe("parsed@example.com");
  });
});

/** Bytes sent as they are, with headers of our choosing (supertest serialises a Buffer under a JSON type). */
async function rawPost(
  h: ReturnType<typeof host>,
  bytes: Buffer,
  headers: Record<string, string>,
): Promise<request.Response> {
  const server = h.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const { port } = server.address() as import("node:net").AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/scim/v2/Users`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json", ...headers },
      body: new Uint8Array(bytes),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: Object.fromEntries(res.headers),
      body: JSON.parse(text),
    } as unknown as request.Response;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe("bodies are read exactly or refused (issue 14)", () => {
  test("bytes that are not UTF-8 are 400 invalidSyntax, never stored as U+FFFD", async () => {
    const h = host();
    const bytes = Buffer.concat([
      Buffer.from(`{"schemas":["${USER_SCHEMA}"],"userName":"bad`),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('"}'),
    ]);
    expectScimError(await rawPost(h, bytes, {}), 400, "invalidSyntax");
    expect((await h.get("/Users")).body.totalResults).toBe(0);
  });

  test("a declared charset other than UTF-8 is 415, never stored as mojibake", async () => {
    const h = host();
    const latin1 = Buffer.from(JSON.stringify({ schemas: [USER_SCHEMA], userName: "zoë" }), "latin1");
    expectScimError(await rawPost(h, latin1, { "Content-Type": "application/scim+json; charset=ISO-8859-1" }), 415);
    expect(
      (await rawPost(h, Buffer.from(user("zoë")), { "Content-Type": 'application/json; charset="UTF-8"' })).status,
    ).toBe(201);
    expect((await h.get("/Users")).body.Resources.map((u: { userName: string }) => u.userName)).toEqual(["zoë"]);
  });

  test.each([
    ["gzip", gzipSync],
    ["x-gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ] as const)("a %s body is decoded", async (encoding, compress) => {
    const h = host();
    const res = await rawPost(h, compress(Buffer.from(user("zoë@example.com"))), { "Content-Encoding": encoding });
    expect([res.status, res.body.userName]).toEqual([201, "zoë@example.com"]);
  });

  test("the size limit counts decoded bytes: a gzip bomb stops at the limit with 413", async () => {
    const h = host({ limits: { bodyBytes: 64 * 1024 } });
    // 4 MB of spaces inside a valid body, a few KB on the wire.
    const bomb = gzipSync(
      Buffer.concat([
        Buffer.from(`{"schemas":["${USER_SCHEMA}"],"userName":"bomb"`),
        Buffer.alloc(4 * 1024 * 1024, 0x20),
        Buffer.from("}"),
      ]),
    );
    expect(bomb.length).toBeLessThan(64 * 1024);
    expectScimError(await rawPost(h, bomb, { "Content-Encoding": "gzip" }), 413);
  });

  test("an unknown Content-Encoding is 415; a corrupt gzip body is 400 without binary garbage in the detail", async () => {
    const h = host();
    expectScimError(await rawPost(h, Buffer.from(user("c")), { "Content-Encoding": "compress" }), 415);
    const corrupt = gzipSync(Buffer.from(user("c"))).subarray(0, 20);
    const res = await rawPost(h, Buffer.concat([corrupt, Buffer.from([0xff, 0x00, 0x13])]), {
      "Content-Encoding": "gzip",
    });
    expectScimError(res, 400, "invalidSyntax");
    expect(res.body.detail).toMatch(/^[\x20-\x7e]+$/);
  });

  test("JSON escapes no store can keep are 400 invalidValue, naming where", async () => {
    const h = host();
    const res = await h.post("/Users", { schemas: [USER_SCHEMA], userName: "n", emails: [{ value: "a\u0000b" }] });
    expectScimError(res, 400, "invalidValue");
    expect(res.body.detail).toContain("emails[0].value");
    expectScimError(await h.post("/Users", { schemas: [USER_SCHEMA], userName: "x\ud800" }), 400, "invalidValue");
  });
});

describe("unexpected failures", () => {
  test("a store that throws gives a 500 that exposes nothing, and the error reaches the logger", async () => {
    const base = memoryStore();
    const logged: unknown[] = [];
    const broken: Store = {
      ...base,
      users: {
        ...base.users,
        query: async () => {
          throw new Error("connection refused at 10.0.0.5:5432 password=hunter2");
        },
      },
    };
    const h = host({ store: broken, logger: { error: (obj) => logged.push(obj) } });
    const res = await h.get("/Users");
    expectScimError(res, 500);
    expect(JSON.stringify(res.body)).not.toMatch(/10\.0\.0\.5|hunter2|refused/);
    expect(logged).toHaveLength(1);
  });

  test("a malformed %-escape in the path is a 400, not a 500", async () => {
    const h = host();
    expectScimError(await h.get("/Users/%E0%A4%A"), 400);
  });
});
