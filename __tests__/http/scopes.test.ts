/**
 * The scope table: every route x every method x every scope, against a real listening server.
 * A method that reaches a handler needs exactly that handler's scope (HEAD reaches the GET
 * handler, so it needs get:); any other method is a 405 that runs nothing; no token is a 401.
 * "Ran" is observed at the store: a refused request never reaches it.
 */
import { ALL_SCOPES, memoryStore, type Scope } from "../../lib";
import { faultyStore } from "../../lib/testing";
import { liveServer, rawRequest, type LiveServer } from "./app";
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, oktaUser } from "../helpers/fixtures";

/** Method -> the scope its handler needs (null: discovery, any valid token; a list: any one of them). */
type Allowed = Partial<Record<string, Scope | readonly Scope[] | null>>;
interface Row {
  path: string;
  allowed: Allowed;
  /** A resource route: a handler that runs calls the store. */
  store: boolean;
  /** No route at all: 404 whatever the method. */
  unmatched?: boolean;
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "SEARCH"];
const ids: Record<"Users" | "Groups", string> = { Users: "", Groups: "" };

function resourceRows(kind: "Users" | "Groups"): Row[] {
  const noun = kind.toLowerCase() as "users" | "groups";
  const s = (verb: string) => `${verb}:${noun}` as Scope;
  return [
    { path: `/${kind}`, allowed: { GET: s("get"), HEAD: s("get"), POST: s("post") }, store: true },
    {
      path: `/${kind}/:id`,
      allowed: { GET: s("get"), HEAD: s("get"), PUT: s("put"), PATCH: s("patch"), DELETE: s("delete") },
      store: true,
    },
    // RFC 7644 3.4.3: .search is a read, whatever its method.
    { path: `/${kind}/.search`, allowed: { POST: s("get") }, store: true },
  ];
}
const ROOT_READ: readonly Scope[] = ["get:users", "get:groups"];
const discovery = (path: string): Row => ({ path, allowed: { GET: null, HEAD: null }, store: false });
const ROWS: Row[] = [
  ...resourceRows("Users"),
  ...resourceRows("Groups"),
  discovery("/ServiceProviderConfig"),
  discovery("/Schemas"),
  discovery(`/Schemas/${USER_SCHEMA}`),
  discovery("/ResourceTypes"),
  discovery("/ResourceTypes/User"),
  // RFC 7644 3.4.2/3.4.3: searching from the root needs a read scope of at least one type.
  { path: "/", allowed: { GET: ROOT_READ, HEAD: ROOT_READ }, store: true },
  { path: "/.search", allowed: { POST: ROOT_READ }, store: true },
  { path: "/Nothing", allowed: {}, store: false, unmatched: true },
];

/** No scope, each single scope, all of them; each token is its scope list joined. */
const GRANTS: Scope[][] = [[], ...ALL_SCOPES.map((s) => [s]), [...ALL_SCOPES]];
const tokenOf = (scopes: readonly Scope[]) =>
  `scope-table-token:${scopes.length === ALL_SCOPES.length ? "all" : scopes.join(",") || "none"}`;

let storeCalls = 0;
let server: LiveServer;
beforeAll(async () => {
  const store = faultyStore(memoryStore(), {
    onCall: () => {
      storeCalls += 1;
    },
  });
  server = await liveServer({
    store,
    rateLimit: false,
    tokens: GRANTS.map((scopes) => ({ token: tokenOf(scopes), scopes })),
  });
  const all = tokenOf(ALL_SCOPES);
  ids.Users = (await server.call("POST", "/Users", { token: all, body: oktaUser("table@example.com") })).body.id;
  ids.Groups = (
    await server.call("POST", "/Groups", { token: all, body: { schemas: [GROUP_SCHEMA], displayName: "table" } })
  ).body.id;
});
afterAll(() => server.close());

let seq = 0;
/** A body the handler accepts, so a handler that runs always gets as far as the store. */
function bodyFor(path: string, method: string): unknown {
  if (method === "PATCH")
    return { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "displayName", value: `renamed ${++seq}` }] };
  if (path.endsWith(".search")) return { filter: "displayName pr" };
  if (path.startsWith("/Groups")) return { schemas: [GROUP_SCHEMA], displayName: `table group ${++seq}` };
  return oktaUser(`table${++seq}@example.com`);
}

const urlOf = (path: string) =>
  path.replace(/^\/(Users|Groups)\/:id$/, (_m, kind: "Users" | "Groups") => `/${kind}/${ids[kind]}`);

describe.each(ROWS)("$path", (row) => {
  test.each(METHODS)("%s x every scope", async (method) => {
    const mismatches: string[] = [];
    const send = async (token: string | null) => {
      const before = storeCalls;
      const withBody = !["GET", "HEAD", "OPTIONS", "DELETE"].includes(method);
      const x = await server.call(method, urlOf(row.path), {
        token,
        ...(withBody ? { body: bodyFor(row.path, method) } : {}),
      });
      return { x, ran: storeCalls > before };
    };

    const anonymous = await send(null);
    if (anonymous.x.status !== 401 || anonymous.ran)
      mismatches.push(`no token: ${anonymous.x.status}${anonymous.ran ? " and the store was called" : ""}`);

    for (const scopes of GRANTS) {
      const { x, ran } = await send(tokenOf(scopes));
      const who = tokenOf(scopes);
      const needs = row.allowed[method];
      if (row.unmatched) {
        if (x.status !== 404 || ran) mismatches.push(`${who}: ${x.status}, expected 404`);
      } else if (needs === undefined) {
        const allow = (x.headers.get("allow") ?? "").split(/,\s*/).sort();
        if (x.status !== 405 || ran)
          mismatches.push(`${who}: ${x.status}${ran ? " (store called)" : ""}, expected 405`);
        else if (allow.join() !== Object.keys(row.allowed).sort().join()) mismatches.push(`${who}: Allow "${allow}"`);
      } else if (needs !== null && !scopes.some((s) => (typeof needs === "string" ? [needs] : needs).includes(s))) {
        const named = typeof needs === "string" ? needs : needs.join(" ");
        if (x.status !== 403 || ran)
          mismatches.push(`${who}: ${x.status}${ran ? " (store called)" : ""}, expected 403 for ${named}`);
        else if (!(x.headers.get("www-authenticate") ?? "").includes(`scope="${named}"`))
          mismatches.push(`${who}: 403 without scope="${named}"`);
        else if (x.headers.get("etag") !== null) mismatches.push(`${who}: 403 with an ETag`);
      } else {
        if ([401, 403, 405].includes(x.status) || x.status >= 500)
          mismatches.push(`${who}: ${x.status}, expected the handler to answer`);
        if (row.store && !ran) mismatches.push(`${who}: ${x.status} without reaching the store`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

test("a verb Node does not know never reaches the router", async () => {
  const before = storeCalls;
  const x = await rawRequest(server, "FROB", "/Users");
  expect(x.status).toBe(400);
  expect(storeCalls).toBe(before);
});
