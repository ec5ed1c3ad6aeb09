/**
 * docs/security.md: an error quotes at most a short preview of what the client sent. Each case
 * puts a long value where a detail would echo it (ids, paths, member ids, URNs, sort keys).
 */
import { ScimError } from "../../lib";
import { liveServer, type LiveServer } from "./app";
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, expectScimError, oktaUser } from "../helpers/fixtures";

/** The longest detail a case may produce: the message around at most five 60-character previews. */
const MAX_DETAIL = 400;
const long = (c: string, n: number) => c.repeat(n);
const TEN_KB = long("x", 10_000);
const UNDER_FILTER_LIMIT = long("y", 8000);

let server: LiveServer;
let user = "";
let group = "";
beforeAll(async () => {
  server = await liveServer({
    rateLimit: false,
    strictExtensions: true,
    // Unknown member ids are echoed in the 400 of "reject"; "skip" (the default) only logs previews.
    unknownMembers: "reject",
    hooks: {
      groups: {
        beforeDelete: () => {
          throw new ScimError(409, undefined, `A host's own detail: ${long("h", 20_000)}`);
        },
      },
    },
  });
  user = (await server.call("POST", "/Users", { body: oktaUser("preview@example.com") })).body.id;
  group = (await server.call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName: "previews" } })).body
    .id;
});
afterAll(() => server.close());

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const cases: [string, string, () => string, unknown?][] = [
  ["a 10 KB id in the URL", "GET", () => `/Users/${TEN_KB}`],
  ["a 10 KB id on DELETE", "DELETE", () => `/Groups/${TEN_KB}`],
  ["a 10 KB unknown path", "GET", () => `/${TEN_KB}`],
  ["a 10 KB schema URN", "GET", () => `/Schemas/urn:${TEN_KB}`],
  ["a 10 KB resource type", "GET", () => `/ResourceTypes/${TEN_KB}`],
  ["a long unknown filter attribute", "GET", () => `/Users?filter=${UNDER_FILTER_LIMIT}%20eq%20%22a%22`],
  [
    "a long unknown sub-attribute in a value filter",
    "GET",
    () => `/Users?filter=emails[${UNDER_FILTER_LIMIT}%20eq%20%22a%22]`,
  ],
  ["a long sortBy", "GET", () => `/Users?sortBy=${long("z", 1000)}`],
  ["a long sortOrder", "GET", () => `/Users?sortOrder=${TEN_KB}`],
  [
    "a long unknown PATCH path",
    "PATCH",
    () => `/Users/${user}`,
    patch({ op: "replace", path: UNDER_FILTER_LIMIT, value: 1 }),
  ],
  [
    "a long PATCH path on members",
    "PATCH",
    () => `/Groups/${group}`,
    patch({ op: "add", path: `members[value eq "${UNDER_FILTER_LIMIT}"].display`, value: 1 }),
  ],
  [
    "a long filtered key in a pathless PATCH",
    "PATCH",
    () => `/Users/${user}`,
    patch({ op: "add", value: { [`${UNDER_FILTER_LIMIT}[a eq "b"]`]: 1 } }),
  ],
  [
    "a 2 MB member id",
    "PATCH",
    () => `/Groups/${group}`,
    patch({ op: "add", path: "members", value: [{ value: long("m", 2_000_000) }] }),
  ],
  [
    "six long member ids on POST",
    "POST",
    () => "/Groups",
    {
      schemas: [GROUP_SCHEMA],
      displayName: "many",
      members: [1, 2, 3, 4, 5, 6].map((i) => ({ value: `${i}${TEN_KB}` })),
    },
  ],
  [
    "a long unknown extension URN",
    "POST",
    () => "/Users",
    { ...oktaUser("ext@example.com"), schemas: [USER_SCHEMA, `urn:x:${TEN_KB}`], [`urn:x:${TEN_KB}`]: {} },
  ],
  ["a long op", "PATCH", () => `/Users/${user}`, patch({ op: TEN_KB, path: "displayName", value: "x" })],
];

test.each(cases.map((c) => [c[0], c] as const))("%s: a short detail", async (_name, [, method, path, body]) => {
  const x = await server.call(method, path(), body === undefined ? {} : { body });
  expectScimError(x, x.status);
  expect(x.status).toBeLessThan(500);
  expect(x.body.detail.length).toBeLessThanOrEqual(MAX_DETAIL);
});

test("a detail written by a host's hook is capped too", async () => {
  const x = await server.call("DELETE", `/Groups/${group}`);
  expectScimError(x, 409);
  expect(x.body.detail).toMatch(/^A host's own detail: h+…$/);
  expect(x.body.detail.length).toBeLessThanOrEqual(1001);
});
