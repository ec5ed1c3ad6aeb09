import { createUser, host } from "./app";
import { expectScimError } from "../helpers/fixtures";

describe("ListResponse and paging", () => {
  test("Okta's connection test on an empty store: 200, integers, Resources present", async () => {
    const h = host();
    const res = await h.get("/Users?startIndex=1&count=2").expect(200);
    expect(res.body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    expect((await h.get("/Groups?startIndex=1&count=100").expect(200)).body.Resources).toEqual([]);
  });

  test("1-based pages in a stable order cover every user once", async () => {
    const h = host();
    const names = [];
    for (let i = 0; i < 7; i++)
      names.push(await createUser(h, `user${i}@example.com`).then(() => `user${i}@example.com`));
    const seen: string[] = [];
    for (let start = 1; start <= 7; start += 3) {
      const res = await h.get(`/Users?startIndex=${start}&count=3`).expect(200);
      expect(res.body.totalResults).toBe(7);
      expect(res.body.startIndex).toBe(start);
      seen.push(...res.body.Resources.map((u: { userName: string }) => u.userName));
    }
    expect(seen).toEqual(names);
  });

  test("count=0 gives the total only; out-of-range values are clamped; junk is 400", async () => {
    const h = host({ limits: { maxCount: 5, defaultCount: 2 } });
    for (let i = 0; i < 6; i++) await createUser(h, `u${i}@example.com`);
    const zero = (await h.get("/Users?count=0").expect(200)).body;
    expect(zero).toMatchObject({ totalResults: 6, itemsPerPage: 0, Resources: [] });
    expect((await h.get("/Users").expect(200)).body.itemsPerPage).toBe(2);
    expect((await h.get("/Users?count=500").expect(200)).body.itemsPerPage).toBe(5);
    expect((await h.get("/Users?startIndex=-4&count=1").expect(200)).body.startIndex).toBe(1);
    expect((await h.get("/Users?startIndex=99").expect(200)).body.Resources).toEqual([]);
    expectScimError(await h.get("/Users?count=lots"), 400, "invalidValue");
  });

  test("Okta's lookup before create: case-insensitive userName filter, + and %20 encodings", async () => {
    const h = host();
    await createUser(h, "Match.Me@example.com");
    for (const query of [
      'filter=userName+eq+"match.me@example.com"',
      "filter=userName%20eq%20%22MATCH.ME%40example.com%22",
    ]) {
      const res = await h.get(`/Users?${query}&startIndex=1&count=100`).expect(200);
      expect(res.body.totalResults).toBe(1);
    }
    const none = await h.get('/Users?filter=userName+eq+"nobody@example.com"').expect(200);
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });
  });

  test("Entra's test connection: a random GUID filter answers an empty list; the aadOptscim062020 flag is ignored", async () => {
    const h = host();
    const res = await h.get('/Users?aadOptscim062020&filter=id+eq+"a6b1c8f2-9f3e-4b7a-8d3c-2e1f0a9b8c7d"').expect(200);
    expect(res.body.Resources).toEqual([]);
    await h.get('/Users?filter=externalId+eq+"x"&aadOptscim062020').expect(200);
  });

  test("a bad filter is 400 invalidFilter; an unknown attribute too", async () => {
    const h = host();
    expectScimError(await h.get("/Users?filter=userName+eq"), 400, "invalidFilter");
    expectScimError(await h.get('/Users?filter=shoeSize+eq+"9"'), 400, "invalidFilter");
  });

  test("POST /.search takes the same parameters in its body", async () => {
    const h = host();
    await createUser(h, "b@example.com");
    await createUser(h, "a@example.com");
    const res = await h
      .post("/Users/.search", {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        filter: 'userName sw "a" or userName sw "b"',
        sortBy: "userName",
        attributes: ["userName"],
        startIndex: 1,
        count: 10,
      })
      .expect(200);
    expect(res.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(["a@example.com", "b@example.com"]);
    expect(Object.keys(res.body.Resources[0]).sort()).toEqual(["id", "schemas", "userName"]);
  });
});
