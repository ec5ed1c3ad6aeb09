/**
 * What a client checks in an answer, written once for the CLI and the replay tests alike. Each
 * check throws a CheckFailure naming what was expected and what came; the runner prints it beside
 * the request and the answer.
 */
import { ERROR_SCHEMA } from "../../protocol/errors";
import { GROUP_SCHEMA, LIST_RESPONSE_SCHEMA } from "../../schema/urns";
import type { Exchange } from "./exchange";

/** An expectation a server did not meet. `exchange` is the answer it is about, when there is one. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
  }
}

/** A pattern for `like`: a value to equal, an object or array of patterns, or a Matcher. */
export type Pattern = unknown;

/** A custom test inside a pattern: answers what is wrong with `actual`, or undefined. */
export class Matcher {
  constructor(
    readonly describe: string,
    readonly problem: (actual: unknown) => string | undefined,
  ) {}
}

const where = (at: string) => (at ? `${at}: ` : "");
const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v)?.slice(0, 200));

/** What is wrong with `actual` against `pattern` (jest's toMatchObject rules), or undefined. */
export function mismatch(actual: unknown, pattern: Pattern, at = ""): string | undefined {
  if (pattern instanceof Matcher) {
    const p = pattern.problem(actual);
    return p === undefined ? undefined : `${where(at)}${p}`;
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) return `${where(at)}expected an array, got ${show(actual)}`;
    if (actual.length !== pattern.length)
      return `${where(at)}expected ${pattern.length} item(s), got ${actual.length}: ${show(actual)}`;
    for (let i = 0; i < pattern.length; i++) {
      const m = mismatch(actual[i], pattern[i], `${at}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (pattern !== null && typeof pattern === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual))
      return `${where(at)}expected an object, got ${show(actual)}`;
    for (const [key, inner] of Object.entries(pattern)) {
      const m = mismatch((actual as Record<string, unknown>)[key], inner, at ? `${at}.${key}` : key);
      if (m) return m;
    }
    return undefined;
  }
  return Object.is(actual, pattern) ? undefined : `${where(at)}expected ${show(pattern)}, got ${show(actual)}`;
}

/** Equal as JSON values (key order ignored). */
export const equal = (pattern: unknown) =>
  new Matcher(`equal to ${show(pattern)}`, (actual) => {
    const canon = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(canon)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([, x]) => x !== undefined)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([k, x]) => [k, canon(x)]),
            )
          : v;
    return JSON.stringify(canon(actual)) === JSON.stringify(canon(pattern))
      ? undefined
      : `expected exactly ${show(pattern)}, got ${show(actual)}`;
  });

/** An array with an element like each pattern (others may be there too). */
export const including = (...patterns: Pattern[]) =>
  new Matcher("including", (actual) => {
    if (!Array.isArray(actual)) return `expected an array, got ${show(actual)}`;
    const missing = patterns.find((p) => !actual.some((a) => mismatch(a, p) === undefined));
    return missing === undefined ? undefined : `no element like ${show(missing)} in ${show(actual)}`;
  });

/** A value of this JavaScript type. */
export const a = (type: "string" | "number" | "boolean" | "object") =>
  new Matcher(`a ${type}`, (actual) =>
    typeof actual === type ? undefined : `expected a ${type}, got ${show(actual)}`,
  );

/** Absent, or present and undefined. */
export const absent = new Matcher("absent", (actual) =>
  actual === undefined ? undefined : `expected none, got ${show(actual)}`,
);

/** Absent or an empty array (multi-valued attributes with no values may be omitted: RFC 7643 2.5). */
export const noneOrEmpty = new Matcher("none", (actual) =>
  actual === undefined || (Array.isArray(actual) && actual.length === 0)
    ? undefined
    : `expected none, got ${show(actual)}`,
);

/** Anything but the listed value. */
export const not = (value: unknown) =>
  new Matcher(`not ${show(value)}`, (actual) =>
    Object.is(actual, value) ? `expected anything but ${show(value)}` : undefined,
  );

/** Fails unless `actual` is like `pattern`; `what` names it in the message. */
export function expectLike(actual: unknown, pattern: Pattern, what: string, exchange?: Exchange): void {
  const m = mismatch(actual, pattern);
  if (m) throw new CheckFailure(`${what}: ${m}`, exchange);
}

/** Fails with `message` unless `condition` holds. */
export function ensure(condition: unknown, message: string, exchange?: Exchange): asserts condition {
  if (!condition) throw new CheckFailure(message, exchange);
}

const mediaType = (x: Exchange) => (x.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

export function expectStatus(x: Exchange, ...statuses: number[]): void {
  ensure(statuses.includes(x.status), `expected HTTP ${statuses.join(" or ")}, got ${x.status}`, x);
}

/** SCIM bodies are application/scim+json (RFC 7644 3.1; Entra's validator checks it). */
export function expectScimJson(x: Exchange): void {
  ensure(
    mediaType(x) === "application/scim+json",
    `expected Content-Type application/scim+json, got ${show(x.headers.get("content-type"))}`,
    x,
  );
  ensure(
    x.body !== undefined && typeof x.body === "object",
    `expected a JSON body, got ${show(x.text.slice(0, 200))}`,
    x,
  );
}

/** `password` is writeOnly (RFC 7643 4.1.1): it never appears anywhere in a response. */
export function expectNoPassword(x: Exchange): void {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, inner] of Object.entries(v)) {
        ensure(k.toLowerCase() !== "password", "the answer echoes a password (writeOnly, RFC 7643 4.1.1)", x);
        walk(inner);
      }
    }
  };
  walk(x.body);
}

/** A ListResponse as clients read it: integers, Resources always present, itemsPerPage = page size. */
export function expectList(x: Exchange, totalResults?: number): void {
  expectStatus(x, 200);
  expectScimJson(x);
  expectLike(x.body.schemas, [LIST_RESPONSE_SCHEMA], "ListResponse schemas", x);
  for (const key of ["totalResults", "startIndex", "itemsPerPage"])
    ensure(Number.isInteger(x.body[key]), `${key} must be an integer, got ${show(x.body[key])}`, x);
  ensure(
    Array.isArray(x.body.Resources),
    `Resources must be an array (even when empty), got ${show(x.body.Resources)}`,
    x,
  );
  ensure(
    x.body.itemsPerPage === x.body.Resources.length,
    `itemsPerPage ${x.body.itemsPerPage} but ${x.body.Resources.length} Resources`,
    x,
  );
  if (totalResults !== undefined)
    ensure(
      x.body.totalResults === totalResults,
      `expected totalResults ${totalResults}, got ${x.body.totalResults}`,
      x,
    );
  ensure(
    x.body.totalResults >= x.body.Resources.length,
    `totalResults ${x.body.totalResults} is less than the ${x.body.Resources.length} Resources on the page`,
    x,
  );
  expectNoPassword(x);
}

/** A single resource: status, SCIM content type, schemas, id, meta.resourceType; never a password. */
export function expectResource(x: Exchange, status: number, schema: string): void {
  expectStatus(x, status);
  expectScimJson(x);
  expectLike(x.body, { schemas: including(schema), id: a("string") }, "resource", x);
  expectLike(x.body.meta, { resourceType: schema === GROUP_SCHEMA ? "Group" : "User" }, "meta", x);
  expectNoPassword(x);
}

/** A SCIM error (RFC 7644 3.12): the status asked for, the error schema, status as a string, a detail. */
export function expectError(x: Exchange, status: number, scimType?: string): void {
  expectStatus(x, status);
  expectScimJson(x);
  expectLike(x.body, { schemas: [ERROR_SCHEMA], status: String(status) }, "error body", x);
  ensure(typeof x.body.detail === "string" && x.body.detail.trim() !== "", "an error needs a non-empty detail", x);
  if (scimType) expectLike(x.body.scimType, scimType, "scimType", x);
}

/** Okta and Entra accept either answer to a group PATCH (clients.md): 204 with no body, or 200 with the group. */
export function expectGroupPatchOk(x: Exchange): void {
  expectStatus(x, 200, 204);
  if (x.status === 204) ensure(x.text === "", "a 204 has no body", x);
  else expectResource(x, 200, GROUP_SCHEMA);
}

/** A user's groups, when the server lists them (User.groups is optional for a server: RFC 7643 4.1.2). */
export function expectGroupsIfListed(x: Exchange, pattern: unknown, what: string, user: { groups?: unknown } = x.body) {
  if (user.groups !== undefined) expectLike(user.groups, pattern, what, x);
}

/** The member ids of a group, sorted. */
export const memberIds = (body: { members?: { value: string }[] } | undefined) =>
  (body?.members ?? []).map((m) => m.value).sort();
