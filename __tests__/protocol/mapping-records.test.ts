import fc from "fast-check";
import { compileMapping } from "../../lib/mapping/compile";
import * as identity from "../../lib/mapping/identity";
import type { MappingPair } from "../../lib/mapping/types";
import { groupResourceType, userResourceType } from "../../lib/schema/core";
import { normalizeResource } from "../../lib/schema/normalize";
import { entraCreate, oktaCreate } from "../helpers/fixtures";
import { auth0Pairs, ENT, hostPairs } from "./mapping-fixtures";

const users = (pairs: MappingPair[]) => compileMapping(userResourceType, pairs);

/** What the service hands to toRecord: a normalised resource without password (and groups/members). */
function resource(body: unknown): Record<string, unknown> {
  const out = normalizeResource(userResourceType, body);
  delete out.password;
  return out;
}

describe("identity mapping", () => {
  const mapping = compileMapping(userResourceType, undefined);
  const samples: Record<string, unknown>[] = [
    resource(oktaCreate),
    resource(entraCreate),
    {
      id: "x",
      meta: { version: "1" },
      schemas: ["a"],
      groups: [{ value: "g" }],
      members: [],
      password: "p",
      userName: "u",
      emails: [{ value: "e" }],
    },
  ];

  test.each(samples.map((s, i) => [i, s]))("sample %i: toRecord and fromRecord are identity.ts's", (_i, sample) => {
    expect(mapping.identity).toBe(true);
    expect(mapping.toRecord(sample)).toEqual(identity.toRecord(sample));
    expect(mapping.fromRecord(sample)).toEqual(identity.fromRecord(sample));
  });

  test("filters, sorts, key paths and schemas pass through unchanged", () => {
    const filter = {
      op: "pr" as const,
      attrPath: { path: ["userName"], type: "string" as const, caseExact: false, multiValued: false },
    };
    expect(mapping.mapFilter(filter)).toBe(filter);
    const sort = {
      path: ["emails", "value"],
      multiValued: true,
      caseExact: false,
      type: "string" as const,
      descending: true,
    };
    expect(mapping.mapSort(sort)).toBe(sort);
    expect(mapping.appPathOf(["userName"])).toEqual(["userName"]);
    const shown = mapping.schemas(userResourceType);
    expect(shown.schema).toBe(userResourceType.schema);
    expect(shown.extensions).toBe(userResourceType.extensions);
  });
});

describe("Auth0's mapping pairs", () => {
  const mapping = users(auth0Pairs);

  test("SCIM -> app: primary email, inverted active, enterprise employeeNumber under profile", () => {
    const record = mapping.toRecord(resource(oktaCreate));
    expect(record).toEqual({
      username: "isabell.ross@example.com",
      email: "isabell.ross@example.com",
      blocked: false,
      profile: { employeeId: "4242" },
    });
  });

  test("app -> SCIM: the selector's fields come back on the element; extension under its URN", () => {
    expect(
      mapping.fromRecord({ username: "u", email: "u@x", blocked: true, profile: { employeeId: "7" }, other: 1 }),
    ).toEqual({
      userName: "u",
      emails: [{ primary: true, value: "u@x" }],
      active: false,
      [ENT]: { employeeNumber: "7" },
    });
  });

  test("absent values write no key, either way", () => {
    expect(mapping.toRecord({ userName: "u" })).toEqual({ username: "u" });
    expect(mapping.fromRecord({ username: "u", email: null, blocked: undefined, profile: {} })).toEqual({
      userName: "u",
    });
    expect(mapping.fromRecord({ username: "u", email: "", profile: { employeeId: "" } })).toEqual({ userName: "u" });
  });

  test('Entra\'s "False" stored by a host still inverts', () => {
    expect(mapping.fromRecord({ username: "u", blocked: "False" })).toEqual({ userName: "u", active: true });
    expect(mapping.fromRecord({ username: "u", blocked: "maybe" })).toEqual({ userName: "u" });
  });

  describe("[primary eq true] picks the primary element", () => {
    test.each<[string, unknown[], string | undefined]>([
      [
        "the primary one among several",
        [
          { value: "a", type: "home" },
          { value: "b", type: "work", primary: true },
        ],
        "b",
      ],
      ["a sole element that does not say primary (Okta)", [{ value: "a", type: "work" }], "a"],
      ["not a sole element that says primary: false", [{ value: "a", primary: false }], undefined],
      ["no guess among several without primary", [{ value: "a" }, { value: "b" }], undefined],
      ["no guess when the primary one has no value", [{ type: "work", primary: true }, { value: "b" }], undefined],
    ])("%s", (_name, emails, expected) => {
      const record = mapping.toRecord({ userName: "u", emails });
      expect(record.email).toBe(expected);
    });
  });

  test("records and resources never share objects", () => {
    const mappingWhole = users([
      { scim: "userName", app: "u" },
      { scim: "addresses[primary eq true]", app: "address" },
    ]);
    const input = { userName: "x", addresses: [{ primary: true, locality: "A" }] };
    const record = mappingWhole.toRecord(input);
    (record.address as Record<string, unknown>).locality = "B";
    expect(input.addresses[0]?.locality).toBe("A");
  });
});

describe("selectors, whole elements and sub-attributes", () => {
  const mapping = users([
    { scim: "userName", app: "login" },
    { scim: 'addresses[type eq "work" and primary eq true].streetAddress', app: "addr.street" },
    { scim: 'addresses[type eq "work" and primary eq true].locality', app: "addr.city" },
    { scim: 'addresses[type eq "home"]', app: "home" },
    { scim: 'emails[type eq "work"].value', app: "work_email" },
    { scim: 'emails[type eq "home"].value', app: "home_email" },
    { scim: "name.givenName", app: "first" },
  ]);

  test("several pairs on one selector make ONE element; different selectors make one each, in config order", () => {
    const scim = mapping.fromRecord({
      login: "u",
      addr: { street: "1 Main St", city: "Springfield" },
      home: { type: "home", locality: "Shelbyville", primary: false },
      work_email: "w@x",
      home_email: "h@x",
      first: "Ada",
    });
    expect(scim).toEqual({
      userName: "u",
      addresses: [
        { type: "work", primary: true, streetAddress: "1 Main St", locality: "Springfield" },
        { type: "home", locality: "Shelbyville", primary: false },
      ],
      emails: [
        { type: "work", value: "w@x" },
        { type: "home", value: "h@x" },
      ],
      name: { givenName: "Ada" },
    });
  });

  test("addresses[primary eq true].streetAddress and .locality make one address", () => {
    const primary = users([
      { scim: "userName", app: "login" },
      { scim: "addresses[primary eq true].streetAddress", app: "street" },
      { scim: "addresses[primary eq true].locality", app: "city" },
    ]);
    expect(primary.fromRecord({ login: "u", street: "1 Main St", city: "Springfield" }).addresses).toEqual([
      { primary: true, streetAddress: "1 Main St", locality: "Springfield" },
    ]);
    expect(
      primary.toRecord({
        userName: "u",
        addresses: [
          { type: "home", locality: "X" },
          { primary: true, streetAddress: "S", locality: "Y" },
        ],
      }),
    ).toEqual({
      login: "u",
      street: "S",
      city: "Y",
    });
  });

  test("a whole element is copied as it is, and gets the selector's fields when it lacks them", () => {
    expect(mapping.toRecord({ userName: "u", addresses: [{ type: "Home", locality: "S", region: "X" }] })).toEqual({
      login: "u",
      home: { type: "Home", locality: "S", region: "X" },
    });
    expect(mapping.fromRecord({ login: "u", home: { type: "Home", locality: "S" } }).addresses).toEqual([
      { type: "Home", locality: "S" },
    ]);
    expect(mapping.fromRecord({ login: "u", home: { locality: "S" } }).addresses).toEqual([
      { type: "home", locality: "S" },
    ]);
    expect(mapping.fromRecord({ login: "u", home: "not an object" }).addresses).toBeUndefined();
  });

  test("the first element matching a selector wins (case-insensitive literal, as filters compare)", () => {
    const record = mapping.toRecord({
      userName: "u",
      emails: [
        { type: "WORK", value: "first@x" },
        { type: "work", value: "second@x" },
      ],
    });
    expect(record.work_email).toBe("first@x");
  });
});

describe("transforms and directions", () => {
  const mapping = users([
    { scim: "userName", app: "login", toApp: (v) => String(v).toLowerCase(), toScim: (v) => v },
    {
      scim: "title",
      app: "role_code",
      toApp: (v) => (v === "Engineer" ? "ENG" : undefined),
      toScim: (v) => (v === "ENG" ? "Engineer" : undefined),
    },
    { scim: "displayName", app: "computed_name", direction: "toScim" },
    { scim: "nickName", app: "secret_nick", direction: "toApp" },
    { scim: "active", app: "enabled" },
  ]);

  test("toApp and toScim run on the way in and out; undefined writes nothing", () => {
    expect(mapping.toRecord({ userName: "Ada@X", title: "Engineer" })).toEqual({ login: "ada@x", role_code: "ENG" });
    expect(mapping.toRecord({ userName: "a", title: "Chef" })).toEqual({ login: "a" });
    expect(mapping.fromRecord({ login: "a", role_code: "ENG" })).toEqual({ userName: "a", title: "Engineer" });
  });

  test("toScim (app-owned) is shown but never written; toApp (write-only) is written but never shown", () => {
    const record = mapping.toRecord({ userName: "a", displayName: "From client", nickName: "nick", active: false });
    expect(record).toEqual({ login: "a", secret_nick: "nick", enabled: false });
    expect(mapping.fromRecord({ login: "a", computed_name: "From app", secret_nick: "nick", enabled: false })).toEqual({
      userName: "a",
      displayName: "From app",
      active: false,
    });
  });
});

describe("Okta's and Entra's default attribute sets into a host users table", () => {
  const mapping = users(hostPairs);

  test("Okta's create body: host record, then the same SCIM resource back", () => {
    const input = resource(oktaCreate);
    const record = mapping.toRecord(input);
    expect(record).toEqual({
      login: "isabell.ross@example.com",
      idp_subject: "00u1b2c3d4",
      first_name: "Isabell",
      last_name: "Ross",
      display_name: "Isabell Ross",
      job_title: "Engineer",
      locale: "en-US",
      disabled: false,
      email: "isabell.ross@example.com",
      mobile: "+1 555 0100",
      office: {
        type: "work",
        streetAddress: "1 Main St",
        locality: "Springfield",
        region: "IL",
        postalCode: "62701",
        country: "US",
        primary: true,
      },
      hr: { employee_no: "4242", department: "R&D", manager_id: "00u9" },
    });
    expect(mapping.fromRecord(record)).toEqual(input);
  });

  test("Entra's create body: host record, then the same SCIM resource back", () => {
    const input = resource(entraCreate);
    const record = mapping.toRecord(input);
    expect(record).toEqual({
      login: "Test_User@contoso.com",
      idp_subject: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      first_name: "Test",
      last_name: "User",
      full_name: "Test User",
      display_name: "Test User",
      job_title: "Tester",
      language: "en-GB",
      disabled: false,
      email: "Test_User@contoso.com",
      phone: "+44 20 7946 0000",
      mobile: "+44 7700 900000",
      office: {
        type: "work",
        formatted: "1 Bank St, London",
        streetAddress: "1 Bank St",
        locality: "London",
        postalCode: "E14",
        country: "GB",
      },
      hr: { employee_no: "701984", department: "Tour Operations", manager_id: "26118915" },
    });
    expect(mapping.fromRecord(record)).toEqual(input);
  });

  test("Entra's PATCH-created work email without primary is still the host's email (fallback)", () => {
    const record = mapping.toRecord({
      userName: "u",
      emails: [
        { type: "work", value: "w@x" },
        { type: "home", value: "h@x" },
      ],
    });
    expect(record.email).toBe("w@x");
    // ...but not when another email is the primary one.
    expect(
      mapping.toRecord({
        userName: "u",
        emails: [
          { type: "work", value: "w@x" },
          { type: "home", value: "h@x", primary: true },
        ],
      }).email,
    ).toBeUndefined();
  });
});

// ---- Property tests -------------------------------------------------------------------------

const text = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => s.trim() === s && s !== "");
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Drops undefined keys and empty objects, as a record holding "only mapped paths" would. */
function compact(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const inner = compact(v as Record<string, unknown>);
      if (Object.keys(inner).length > 0) out[k] = inner;
    } else out[k] = v;
  }
  return out;
}

const hostRecord = fc
  .record({
    login: text,
    idp_subject: maybe(text),
    first_name: maybe(text),
    last_name: maybe(text),
    full_name: maybe(text),
    display_name: maybe(text),
    job_title: maybe(text),
    locale: maybe(text),
    language: maybe(text),
    disabled: maybe(fc.boolean()),
    email: maybe(text),
    phone: maybe(text),
    mobile: maybe(text),
    office: maybe(
      fc.record({
        type: fc.constantFrom("work", "Work"),
        locality: maybe(text),
        country: maybe(text),
        primary: maybe(fc.boolean()),
      }),
    ),
    hr: fc.record({ employee_no: maybe(text), department: maybe(text), manager_id: maybe(text) }),
  })
  .map(compact);

describe("round trips (fast-check)", () => {
  const host = users(hostPairs);
  const auth0 = users(auth0Pairs);

  test("host records holding only mapped paths: toRecord(fromRecord(r)) equals r", () => {
    fc.assert(
      fc.property(hostRecord, (r) => {
        expect(host.toRecord(host.fromRecord(r))).toEqual(r);
      }),
      { numRuns: 500 },
    );
  });

  test("SCIM resources: fromRecord(toRecord(x)) equals the mapped part of x; noise is dropped", () => {
    const workEmail = fc.record({ type: fc.constant("work"), primary: fc.constant(true), value: text });
    const noise = fc.array(fc.record({ type: fc.constantFrom("home", "other"), value: text }), { maxLength: 2 });
    const phone = (type: string) => maybe(fc.record({ type: fc.constant(type), value: text }));
    const scim = fc.record({
      mapped: fc
        .record({
          userName: text,
          externalId: maybe(text),
          name: maybe(fc.record({ givenName: maybe(text), familyName: maybe(text) })),
          title: maybe(text),
          active: maybe(fc.boolean()),
          email: maybe(workEmail),
          work: phone("work"),
          mobile: phone("mobile"),
          office: maybe(fc.record({ type: fc.constant("work"), streetAddress: text, primary: maybe(fc.boolean()) })),
          ent: maybe(fc.record({ department: maybe(text), manager: maybe(fc.record({ value: text })) })),
        })
        .map(({ email, work, mobile, office, ent, ...rest }) => {
          const phones = [work, mobile].filter((p) => p !== undefined);
          return compact({
            ...rest,
            emails: email ? [email] : undefined,
            phoneNumbers: phones.length > 0 ? phones : undefined,
            addresses: office ? [compact(office)] : undefined,
            [ENT]: ent ? compact(ent) : undefined,
          });
        }),
      noise,
      nickName: maybe(text),
    });
    fc.assert(
      fc.property(scim, ({ mapped, noise: extra, nickName }) => {
        const emails = [...((mapped.emails as unknown[]) ?? []), ...extra];
        const x = { ...mapped, ...(emails.length ? { emails } : {}), ...(nickName ? { nickName } : {}) };
        expect(host.fromRecord(host.toRecord(x))).toEqual(mapped);
      }),
      { numRuns: 500 },
    );
  });

  test("Auth0 pairs: both round trips", () => {
    const record = fc
      .record({
        username: text,
        email: maybe(text),
        blocked: maybe(fc.boolean()),
        profile: fc.record({ employeeId: maybe(text) }),
      })
      .map(compact);
    fc.assert(
      fc.property(record, (r) => {
        expect(auth0.toRecord(auth0.fromRecord(r))).toEqual(r);
        const view = auth0.fromRecord(r);
        expect(auth0.fromRecord(auth0.toRecord(view))).toEqual(view);
      }),
      { numRuns: 300 },
    );
  });
});

describe("groups", () => {
  test("displayName and an extension-free mapping; members never reach the mapping", () => {
    const mapping = compileMapping(groupResourceType, [
      { scim: "displayName", app: "title" },
      { scim: "externalId", app: "source_id" },
    ]);
    expect(mapping.toRecord({ displayName: "Admins", externalId: "g1" })).toEqual({ title: "Admins", source_id: "g1" });
    expect(mapping.fromRecord({ title: "Admins" })).toEqual({ displayName: "Admins" });
  });
});
