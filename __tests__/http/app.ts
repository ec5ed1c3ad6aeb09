/**
 * Test hosts: a real Express app (Express 5, or 4 under jest.express4.config.js) with the router
 * mounted where a user would mount it, driven over HTTP by supertest.
 */
import express from "express";
import request from "supertest";
import { scim, memoryStore, ALL_SCOPES, type ScimOptions, type Store } from "../../lib";

export const TOKEN = "test-token-with-every-scope-0001";
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export interface TestHost {
  app: express.Express;
  store: Store;
  /** supertest bound to the app with the all-scopes token and a SCIM content type. */
  get(path: string): request.Test;
  post(path: string, body?: unknown): request.Test;
  put(path: string, body?: unknown): request.Test;
  patch(path: string, body?: unknown): request.Test;
  delete(path: string): request.Test;
}

export function host(overrides: Partial<ScimOptions> = {}, mount = "/scim/v2"): TestHost {
  const store = overrides.store ?? memoryStore();
  const app = express();
  const options = { store, tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }], ...overrides } as ScimOptions;
  app.use(mount, scim(options));
  const auth = (t: request.Test) => t.set("Authorization", `Bearer ${TOKEN}`);
  const withBody = (t: request.Test, body: unknown) =>
    body === undefined ? t : t.set("Content-Type", "application/scim+json; charset=utf-8").send(JSON.stringify(body));
  return {
    app,
    store,
    get: (p) => auth(request(app).get(mount + p)),
    post: (p, b) => withBody(auth(request(app).post(mount + p)), b),
    put: (p, b) => withBody(auth(request(app).put(mount + p)), b),
    patch: (p, b) => withBody(auth(request(app).patch(mount + p)), b),
    delete: (p) => auth(request(app).delete(mount + p)),
  };
}

/** Okta's create-user body (clients.md): placeholder password, readOnly junk, empty groups. */
export function oktaUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: "Ada", familyName: "Lovelace" },
    emails: [{ primary: true, value: userName, type: "work" }],
    displayName: "Ada Lovelace",
    locale: "en-US",
    externalId: `00u${userName.length}abc`,
    groups: [],
    password: "tempP@ss123",
    active: true,
    ...extra,
  };
}

export async function createUser(h: TestHost, userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.post("/Users", oktaUser(userName, extra)).expect(201);
  return res.body.id as string;
}

export async function createGroup(h: TestHost, displayName: string, memberIds: string[] = []): Promise<string> {
  const res = await h
    .post("/Groups", { schemas: [GROUP_SCHEMA], displayName, members: memberIds.map((value) => ({ value })) })
    .expect(201);
  return res.body.id as string;
}

export function expectScimError(res: request.Response, status: number, scimType?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toBe("application/scim+json; charset=utf-8");
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  expect(typeof res.body.detail).toBe("string");
  expect(res.body.detail.length).toBeGreaterThan(0);
  if (scimType) expect(res.body.scimType).toBe(scimType);
}
