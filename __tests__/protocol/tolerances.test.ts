/**
 * Each tolerance at the engine that consults it (pure functions, no HTTP): with the flag, the
 * quirk is read as before; without it, the RFC's 400 naming the flag. The data itself: every
 * profile's tolerances are derived from its quirks, and every quirk cites a source.
 */
import { PROFILES, TOLERANCES, type Tolerance } from "../../lib";
import { applyPatch, parsePatchRequest } from "../../lib/protocol/patch";
import { ScimError } from "../../lib/protocol/errors";
import { resolveProfile } from "../../lib/profiles";
import { LENIENT, STRICT } from "../../lib/profiles/tolerances";
import { normalizeResource } from "../../lib/schema/normalize";
import { ENTERPRISE_USER_SCHEMA as ENT, PATCH_OP_SCHEMA, USER_SCHEMA } from "../../lib/schema/urns";
import { groupResourceType as group, userResourceType as user } from "../../lib/schema/core";
const op = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

/** One engine call per tolerance, made with a given set. */
const CASES: Record<Tolerance, (tolerate: ReadonlySet<Tolerance>) => unknown> = {
  capitalisedOps: (tolerate) => parsePatchRequest(op({ op: "Replace", path: "displayName", value: "x" }), { tolerate }),
  emptyOperations: (tolerate) => parsePatchRequest(op(), { tolerate }),
  looseSchemas: (tolerate) =>
    normalizeResource(user, { schemas: ["urn:scim:schemas:core:2.0"], userName: "a" }, { tolerate }),
  booleanStrings: (tolerate) =>
    normalizeResource(user, { schemas: [USER_SCHEMA], userName: "a", active: "True" }, { tolerate }),
  numbersForStrings: (tolerate) =>
    normalizeResource(user, { schemas: [USER_SCHEMA], userName: "a", title: 7 }, { tolerate }),
  bareComplexValues: (tolerate) =>
    normalizeResource(user, { schemas: [USER_SCHEMA], userName: "a", [ENT]: { manager: "m" } }, { tolerate }),
  listForSingleValue: (tolerate) =>
    normalizeResource(
      user,
      { schemas: [USER_SCHEMA], userName: "a", [ENT]: { manager: [{ value: "m" }] } },
      { tolerate },
    ),
  pathKeysInValue: (tolerate) =>
    applyPatch(user, { userName: "a" }, [{ op: "replace", value: { "name.givenName": "G" } }], { tolerate }),
  filterCreatesValue: (tolerate) =>
    applyPatch(user, { userName: "a" }, [{ op: "add", path: path('emails[type eq "work"].value'), value: "w@x" }], {
      tolerate,
    }),
  removeWithValue: (tolerate) =>
    applyPatch(group, { displayName: "g" }, [{ op: "remove", path: path("members"), value: [{ value: "u1" }] }], {
      tolerate,
    }),
  // Read at the HTTP edge (lib/http/profile.ts); covered by __tests__/http/profiles.test.ts.
  noUserAgent: () => undefined,
};

function path(text: string) {
  return parsePatchRequest(op({ op: "add", path: text, value: "x" }))[0]!.path!;
}

const refusal = (call: () => unknown): ScimError | undefined => {
  try {
    call();
    return undefined;
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
};

describe.each(TOLERANCES.filter((t) => t !== "noUserAgent"))("%s", (flag) => {
  test("is read as before with the flag, and by default", () => {
    expect(refusal(() => CASES[flag](LENIENT))).toBeUndefined();
    expect(refusal(() => CASES[flag](new Set([flag])))).toBeUndefined();
  });

  test("is the RFC's 400 naming the flag without it, and only this flag matters", () => {
    const error = refusal(() => CASES[flag](STRICT));
    expect({ status: error?.status, names: error?.detail.includes(`"${flag}"`) }).toEqual({ status: 400, names: true });
    const allBut = new Set(TOLERANCES.filter((t) => t !== flag));
    expect(refusal(() => CASES[flag](allBut))?.status).toBe(400);
  });
});

test("every profile's tolerances are exactly those its quirks name, and every quirk has a source", () => {
  for (const profile of Object.values(PROFILES)) {
    const named = new Set(profile.quirks.flatMap((q) => (q.tolerance ? [q.tolerance] : [])));
    expect(new Set(profile.tolerates)).toEqual(named);
    for (const quirk of profile.quirks) expect(quirk.source.trim()).not.toBe("");
  }
});

test("lenient holds every tolerance, strict and generic none", () => {
  expect([...resolveProfile("lenient", "profile").tolerances].sort()).toEqual([...TOLERANCES].sort());
  expect(resolveProfile("strict", "profile").tolerances.size).toBe(0);
  expect(resolveProfile("generic", "profile").tolerances.size).toBe(0);
});
