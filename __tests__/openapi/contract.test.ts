/**
 * The check that holds every suite's responses to the OpenAPI document, shown to fail when the
 * server and the document disagree (a control, as lib/testing/faulty-store.ts has its own).
 */
import { contractFor, contractOf } from "../helpers/openapi-contract";
import { openApiOf } from "../../lib/http/openapi";
import { USER_SCHEMA } from "../helpers/fixtures";

const json = { "content-type": "application/scim+json; charset=utf-8", etag: 'W/"1"' };
const user = {
  schemas: [USER_SCHEMA],
  id: "u1",
  userName: "ada@example.com",
  active: true,
  meta: { resourceType: "User", created: "2026-01-01T00:00:00.000Z", lastModified: "2026-01-01T00:00:00.000Z" },
};
const seen = (body: unknown, more: Partial<Parameters<ReturnType<typeof contractOf>["check"]>[0]> = {}) => ({
  method: "GET",
  path: "/Users/u1",
  status: 200,
  headers: json,
  body: JSON.stringify(body),
  ...more,
});

describe("the contract check", () => {
  const contract = contractFor({});

  test("a user as the server sends it agrees", () => {
    expect(contract.check(seen(user))).toEqual([]);
  });

  test("an attribute /Schemas does not list, a password, or a wrong type is a disagreement", () => {
    expect(contract.check(seen({ ...user, favouriteColour: "teal" }))).toEqual([
      expect.stringContaining("must NOT have additional properties"),
    ]);
    expect(contract.check(seen({ ...user, password: "secret" }))).toHaveLength(1);
    expect(contract.check(seen({ ...user, active: "True" }))).toEqual([
      expect.stringContaining("/active must be boolean"),
    ]);
    expect(contract.check(seen({ ...user, id: undefined }))).toEqual([expect.stringContaining("'id'")]);
  });

  test("a missing ETag, an undescribed status or content type, or a body where none is described", () => {
    expect(contract.check(seen(user, { headers: { "content-type": json["content-type"] } }))).toEqual([
      expect.stringContaining("ETag header is missing"),
    ]);
    expect(contract.check(seen(user, { status: 302 }))).toEqual([expect.stringContaining("describes no 302")]);
    expect(contract.check(seen(user, { headers: { ...json, "content-type": "text/html" } }))).toEqual([
      expect.stringContaining("Content-Type text/html"),
    ]);
    expect(contract.check(seen(user, { method: "DELETE", status: 204 }))).toEqual([
      expect.stringContaining("describes no body"),
    ]);
  });

  test("errors must be SCIM errors with their own status, inside the document and outside it", () => {
    const error = (status: string) => ({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status,
      detail: "x",
    });
    expect(contract.check(seen(error("404"), { status: 404 }))).toEqual([]);
    expect(contract.check(seen(error("400"), { status: 404 }))).toHaveLength(1);
    expect(contract.check(seen({ message: "Not Found" }, { status: 404, path: "/Nope" }))).toHaveLength(1);
    expect(contract.check(seen(error("405"), { status: 405, method: "OPTIONS", path: "/Users" }))).toEqual([]);
    expect(contract.check(seen(user, { path: "/Nope" }))).toEqual([
      expect.stringContaining("operation the document does not describe"),
    ]);
  });

  test("a router whose responses leave the document disagrees: a mapping's document against a user with unmapped attributes", () => {
    // The document of a mapping that keeps only userName, held against a router that keeps everything.
    const narrow = contractOf(
      openApiOf({
        mapping: { users: [{ scim: "userName", app: "userName" }], groups: [{ scim: "displayName", app: "name" }] },
      }) as Record<string, unknown>,
    );
    expect(narrow.check(seen(user))).toEqual([expect.stringContaining("additional properties")]);
  });
});
