import fc from "fast-check";
import { compileMapping } from "../../lib/mapping/compile";
import type { MappingPair, ResourceMapping } from "../../lib/mapping/types";
import {
  compareRecords,
  evaluate,
  parseFilter,
  resolveFilter,
  resolveSort,
  type ResolvedFilter,
} from "../../lib/protocol/filter";
import { groupResourceType, userResourceType } from "../../lib/schema/core";
import type { ResourceTypeDef } from "../../lib/schema/types";
import { auth0Pairs, ENT, hostPairs } from "./mapping-fixtures";
import { scimErrorOf } from "./scim-error";

const host = compileMapping(userResourceType, hostPairs);
const auth0 = compileMapping(userResourceType, auth0Pairs);
const mappings: Record<string, ResourceMapping> = { host, auth0 };
const mappingNamed = (name: string): ResourceMapping => {
  const mapping = mappings[name];
  if (!mapping) throw new Error(`no mapping named ${name} in this test`);
  return mapping;
};
/** MAPPING_RUNS=20 multiplies the property runs, for a longer hunt. */
const runs = (n: number) => n * Number(process.env.MAPPING_RUNS ?? 1);

const resolve = (text: string, rt: ResourceTypeDef = userResourceType) => resolveFilter(rt, parseFilter(text));
const mapped = (mapping: ResourceMapping, text: string, rt: ResourceTypeDef = userResourceType) =>
  mapping.mapFilter(resolve(text, rt));

const str = (path: string[], op: string, value: unknown, caseExact = false) => ({
  op,
  attrPath: { path, type: "string", caseExact, multiValued: false },
  compValue: value,
});
const pr = (path: string[], type = "string", caseExact = false) => ({
  op: "pr",
  attrPath: { path, type, caseExact, multiValued: false },
});

describe("mapFilter: what Entra and Okta send", () => {
  test.each<[string, string, string, unknown]>([
    ["Okta lookup", "host", 'userName eq "isabell@example.com"', str(["login"], "eq", "isabell@example.com")],
    ["Entra externalId, unquoted", "host", "externalId eq 0a21f0f2", str(["idp_subject"], "eq", "0a21f0f2", true)],
    [
      "Entra work email (selector fields fold away)",
      "host",
      'emails[type eq "work"].value eq "a@x"',
      str(["email"], "eq", "a@x"),
    ],
    ["Auth0 primary email, flattened", "auth0", 'emails.value eq "a@x"', str(["email"], "eq", "a@x")],
    ["emails eq shorthand", "auth0", 'emails eq "a@x"', str(["email"], "eq", "a@x")],
    [
      "invert flips the literal",
      "auth0",
      "active eq true",
      {
        op: "eq",
        attrPath: { path: ["blocked"], type: "boolean", caseExact: false, multiValued: false },
        compValue: false,
      },
    ],
    [
      'Entra\'s "False"',
      "host",
      'active eq "False"',
      {
        op: "eq",
        attrPath: { path: ["disabled"], type: "boolean", caseExact: false, multiValued: false },
        compValue: true,
      },
    ],
    ["invert keeps pr", "auth0", "active pr", pr(["blocked"], "boolean")],
    ["enterprise extension", "host", `${ENT}:employeeNumber eq "42"`, str(["hr", "employee_no"], "eq", "42")],
    [
      "sub-attribute of an extension's complex",
      "host",
      `${ENT}:manager.value eq "m"`,
      str(["hr", "manager_id"], "eq", "m"),
    ],
    [
      "inside a whole element",
      "host",
      'addresses[type eq "work"].locality eq "London"',
      str(["office", "locality"], "eq", "London"),
    ],
    ["a home email is never shown", "host", 'emails[type eq "home"].value eq "a@x"', false],
    ["a fixed field alone asks that the element exists", "auth0", "emails[primary eq true]", pr(["email"])],
    ["id passes through", "host", 'id eq "abc"', str(["id"], "eq", "abc", true)],
  ])("%s (%s)", (_name, mapping, text, expected) => {
    expect(mapped(mappingNamed(mapping), text)).toEqual(expected);
  });

  test("and/or keep their shape; constants fold", () => {
    expect(mapped(host, 'userName eq "a" and emails[type eq "home"]')).toBe(false);
    expect(mapped(host, 'userName eq "a" or emails[type eq "home"]')).toEqual(str(["login"], "eq", "a"));
    expect(mapped(host, 'not (emails[type eq "home"])')).toBe(true);
    expect(mapped(host, 'userName eq "a" and title eq "b"')).toEqual({
      op: "and",
      filters: [str(["login"], "eq", "a"), str(["job_title"], "eq", "b")],
    });
  });

  test("meta and schemas: pass through or become presence tests", () => {
    expect(mapped(host, 'meta.lastModified gt "2026-01-01T00:00:00Z"')).toEqual(
      resolve('meta.lastModified gt "2026-01-01T00:00:00Z"'),
    );
    expect(mapped(auth0, `schemas eq "${ENT}"`)).toEqual(pr(["profile", "employeeId"]));
  });

  test("groups: members.value passes through (members live in the member store)", () => {
    const groups = compileMapping(groupResourceType, [{ scim: "displayName", app: "name" }]);
    const filter = resolve('members.value eq "u1"', groupResourceType);
    expect(groups.mapFilter(filter)).toBe(filter);
    expect(groups.mapFilter(resolve('displayName eq "Admins"', groupResourceType))).toEqual(
      str(["name"], "eq", "Admins"),
    );
  });

  test.each([
    ['nickName eq "x"', "nickName"],
    ['emails.display eq "x"', "emails.display"],
    ['emails[display eq "x"]', "emails.display"],
    ['name.middleName eq "x"', "name.middleName"],
    [`${ENT}:costCenter eq "x"`, `${ENT}:costCenter`],
    ['ims.value eq "x"', "ims.value"],
  ])("unmapped: %s is 400 invalidFilter naming %s", (text, named) => {
    const error = scimErrorOf(() => mapped(host, text));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe("invalidFilter");
    expect(error.detail).toContain(`"${named}"`);
  });
});

describe("mapFilter: transforms and directions", () => {
  const mapping = compileMapping(userResourceType, [
    { scim: "userName", app: "login" },
    {
      scim: "title",
      app: "role",
      toApp: (v) => ({ Engineer: "ENG", Chef: "CHF" })[String(v)],
      toScim: (v) => ({ ENG: "Engineer", CHF: "Chef" })[String(v)],
    },
    { scim: "nickName", app: "nick", toScim: (v) => v },
    { scim: "displayName", app: "secret", direction: "toApp" },
    { scim: "name", app: "full_name" },
    { scim: "locale", app: "loc", direction: "toScim" },
  ]);

  test("eq and ne apply toApp to the literal; a literal toApp rejects matches nothing", () => {
    expect(mapped(mapping, 'title eq "Engineer"')).toEqual(str(["role"], "eq", "ENG"));
    expect(mapped(mapping, 'title ne "Chef"')).toEqual(str(["role"], "ne", "CHF"));
    expect(mapped(mapping, 'title eq "Pilot"')).toBe(false);
    expect(mapped(mapping, 'title ne "Pilot"')).toBe(true);
    expect(mapped(mapping, "title pr")).toEqual(pr(["role"]));
  });

  test.each([
    ['title co "Eng"', "transformed"],
    ['title sw "E"', "transformed"],
    ['title gt "A"', "transformed"],
    ['nickName eq "x"', "toApp"],
    ['displayName eq "x"', "write-only"],
    ["displayName pr", "write-only"],
  ])("%s is 400 (%s)", (text, why) => {
    const error = scimErrorOf(() => mapped(mapping, text));
    expect(error.scimType).toBe("invalidFilter");
    expect(error.detail).toContain(why);
  });

  test("a whole complex attribute maps by prefix; app-owned values can be filtered on", () => {
    expect(mapped(mapping, 'name.givenName eq "Ada"')).toEqual(str(["full_name", "givenName"], "eq", "Ada"));
    expect(mapped(mapping, 'name[givenName eq "Ada"]')).toEqual({
      op: "valuePath",
      attrPath: { path: ["full_name"], type: "complex", caseExact: false, multiValued: false },
      filter: str(["givenName"], "eq", "Ada"),
    });
    expect(mapped(mapping, 'locale eq "en"')).toEqual(str(["loc"], "eq", "en"));
  });
});

// ---- Equivalence: the mapped filter on the app record answers as the SCIM filter on the view ----

const words = fc.constantFrom("a", "b", "Ab", "a@x", "B@X", "");
const _maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const server = fc.record({
  id: fc.constantFrom("1", "2", "3"),
  meta: fc.record({
    lastModified: fc.constantFrom("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"),
    version: fc.constant("1"),
  }),
});

const hostRecords = fc.record({
  server,
  record: fc.record(
    {
      login: words,
      idp_subject: words,
      first_name: words,
      last_name: words,
      display_name: words,
      job_title: words,
      disabled: fc.constantFrom(true, false, "True", "False"),
      email: words,
      phone: words,
      mobile: words,
      office: fc.record(
        { type: fc.constantFrom("work", "Work", "home"), locality: words, country: words, primary: fc.boolean() },
        { requiredKeys: [] },
      ),
      hr: fc.record({ employee_no: words, department: words, manager_id: words }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  ),
});

const auth0Records = fc.record({
  server,
  record: fc.record(
    {
      username: words,
      email: words,
      blocked: fc.boolean(),
      profile: fc.record({ employeeId: words }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  ),
});

const lit = fc.constantFrom('"a"', '"b"', '"AB"', '"a@x"', '"b@x"', '""', '"@x"');
const op = fc.constantFrom("eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le");

const hostLeaf = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        "userName",
        "externalId",
        "name.givenName",
        "name.familyName",
        "displayName",
        "title",
        "emails.value",
        "emails",
        "phoneNumbers.value",
        "addresses.locality",
        "addresses.country",
        `${ENT}:employeeNumber`,
        `${ENT}:manager.value`,
        'emails[type eq "work"].value',
        'phoneNumbers[type eq "mobile"].value',
        'addresses[type eq "work"].locality',
      ),
      op,
      lit,
    )
    .map(([path, o, v]) => `${path} ${o} ${v}`),
  fc
    .constantFrom(
      "userName",
      "name",
      "emails",
      "emails.value",
      "emails.type",
      "phoneNumbers",
      "addresses",
      "addresses.primary",
      ENT,
      `${ENT}:manager`,
      "active",
      "title",
    )
    .map((p) => `${p} pr`),
  fc.constantFrom(
    "active eq true",
    "active eq false",
    "active ne true",
    'emails.type eq "work"',
    "emails.primary eq true",
    "emails.primary eq false",
    'phoneNumbers.type eq "mobile"',
    'phoneNumbers.type eq "fax"',
    "addresses.primary eq true",
    'addresses.type eq "Work"',
    `schemas eq "${ENT}"`,
    'schemas eq "urn:ietf:params:scim:schemas:core:2.0:User"',
    'meta.lastModified gt "2026-03-01T00:00:00Z"',
    'id eq "2"',
    "emails eq null",
    "title ne null",
  ),
  fc
    .tuple(
      fc.constantFrom("emails", "phoneNumbers", "addresses", "name"),
      fc.constantFrom(
        ["type", 'eq "work"'],
        ["type", 'ne "work"'],
        ["type", 'eq "mobile"'],
        ["value", "eq VAL"],
        ["value", "co VAL"],
        ["value", "pr"],
        ["primary", "eq true"],
        ["primary", "eq false"],
        ["locality", "eq VAL"],
        ["country", "pr"],
        ["givenName", "sw VAL"],
        ["familyName", "ne VAL"],
      ),
      fc.constantFrom(
        ["type", 'eq "work"'],
        ["value", "ne VAL"],
        ["locality", "lt VAL"],
        ["givenName", "pr"],
        ["primary", "eq true"],
      ),
      fc.constantFrom("and", "or", "and not"),
      lit,
    )
    .map(([attr, [a, x], [b, y], join, v]) => {
      const left = `${a} ${x.replace("VAL", v)}`;
      const right = `${b} ${y.replace("VAL", v)}`;
      return join === "and not" ? `${attr}[${left} and not (${right})]` : `${attr}[${left} ${join} ${right}]`;
    }),
);

const auth0Leaf = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("userName", "emails.value", "emails", `${ENT}:employeeNumber`, "emails[primary eq true].value"),
      op,
      lit,
    )
    .map(([p, o, v]) => `${p} ${o} ${v}`),
  fc.constantFrom(
    "active eq true",
    "active eq false",
    "active ne false",
    "active pr",
    "emails pr",
    "emails.primary eq true",
    "emails.primary eq false",
    "emails[primary eq true]",
    "emails[not (primary eq true)]",
    'emails[value eq "a@x" or primary eq false]',
    "emails[not (value pr)]",
    `${ENT} pr`,
    `schemas eq "${ENT}"`,
  ),
);

function filters(leaf: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const { tree } = fc.letrec<{ tree: string }>((tie) => ({
    tree: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.tuple(tie("tree"), fc.constantFrom("and", "or"), tie("tree")).map(([a, j, b]) => `(${a}) ${j} (${b})`),
      tie("tree").map((t) => `not (${t})`),
    ),
  }));
  return tree;
}

/** Several groups per attribute, a whole element, a transform: the awkward cases together. */
const multi = compileMapping(userResourceType, [
  { scim: "userName", app: "login" },
  { scim: 'emails[type eq "work"].value', app: "work_email" },
  { scim: 'emails[type eq "home"].value', app: "home_email" },
  { scim: 'emails[type eq "home"].display', app: "home_label" },
  { scim: 'addresses[type eq "work" and primary eq true].locality', app: "a.city" },
  { scim: 'addresses[type eq "work" and primary eq true].country', app: "a.country" },
  { scim: 'addresses[type eq "home"]', app: "home" },
  {
    scim: "title",
    app: "role",
    toApp: (v) => ({ Engineer: "ENG", Chef: "CHF" })[String(v)],
    toScim: (v) => ({ ENG: "Engineer", CHF: "Chef" })[String(v)],
  },
]);

const multiRecords = fc.record({
  server,
  record: fc.record(
    {
      login: words,
      work_email: words,
      home_email: words,
      home_label: words,
      a: fc.record({ city: words, country: words }, { requiredKeys: [] }),
      home: fc.record(
        { type: fc.constantFrom("work", "home", "Home"), locality: words, primary: fc.boolean() },
        { requiredKeys: [] },
      ),
      role: fc.constantFrom("ENG", "CHF"),
    },
    { requiredKeys: [] },
  ),
});

const multiLeaf = fc.oneof(
  hostLeaf,
  fc
    .tuple(fc.constantFrom("emails.display", 'emails[type eq "home"].display', "addresses.type"), op, lit)
    .map(([p, o, v]) => `${p} ${o} ${v}`),
  fc.constantFrom(
    'title eq "Engineer"',
    'title ne "Chef"',
    "title pr",
    'title eq "Pilot"',
    'emails[type eq "home" and display pr]',
  ),
);

/** The view a store's filter sees: the SCIM attributes, plus id and meta kept beside the record. */
const scimView = (mapping: ResourceMapping, server: object, record: Record<string, unknown>) => ({
  ...mapping.fromRecord(record),
  ...server,
});
const appView = (server: object, record: Record<string, unknown>) => ({ ...record, ...server });

function agree(
  mapping: ResourceMapping,
  text: string,
  samples: { server: object; record: Record<string, unknown> }[],
): boolean {
  let scim: ResolvedFilter;
  try {
    scim = resolve(text);
  } catch {
    return false; // the generator pairs some attributes with sub-attributes they do not have
  }
  let app: ResolvedFilter | boolean;
  try {
    app = mapping.mapFilter(scim);
  } catch (e) {
    // Refusing is allowed (400 invalidFilter), answering differently is not.
    expect((e as { scimType?: string }).scimType).toBe("invalidFilter");
    return false;
  }
  for (const { server, record } of samples) {
    const expected = evaluate(scim, scimView(mapping, server, record));
    const actual = typeof app === "boolean" ? app : evaluate(app, appView(server, record));
    if (expected !== actual) {
      throw new Error(
        `${text}\nrecord ${JSON.stringify(record)}\nSCIM says ${expected}, mapped ${JSON.stringify(app)} says ${actual}`,
      );
    }
  }
  return true;
}

describe("mapFilter agrees with evaluate on the SCIM view (fast-check)", () => {
  const fixed = [
    'userName eq "a"',
    "externalId eq a",
    'emails[type eq "work"].value eq "a@x"',
    'emails[type eq "work"].value eq "A@X"',
    "active eq true",
    'emails[type eq "work" and value co "@x"]',
    'emails[type eq "work" and not (value eq "a@x")]',
    'addresses[type eq "work" and locality eq "a"]',
    'phoneNumbers[type eq "work" or type eq "mobile"]',
    'phoneNumbers.value ne "a"',
    'name[givenName eq "a" and not (familyName pr)]',
  ];

  test("Entra's and Okta's filters, and a few hard ones, over many host records", () => {
    const samples = fc.sample(hostRecords, 400);
    for (const text of fixed) expect(agree(host, text, samples)).toBe(true);
  });

  test("random filters over the host mapping", () => {
    let mappedCount = 0;
    fc.assert(
      fc.property(filters(hostLeaf), fc.array(hostRecords, { minLength: 20, maxLength: 20 }), (text, samples) => {
        if (agree(host, text, samples)) mappedCount++;
      }),
      { numRuns: runs(600) },
    );
    expect(mappedCount).toBeGreaterThan(300);
  });

  test("random filters over several groups per attribute, a whole element and a transform", () => {
    let mappedCount = 0;
    fc.assert(
      fc.property(filters(multiLeaf), fc.array(multiRecords, { minLength: 20, maxLength: 20 }), (text, samples) => {
        if (agree(multi, text, samples)) mappedCount++;
      }),
      { numRuns: runs(600) },
    );
    expect(mappedCount).toBeGreaterThan(200);
  });

  test("random filters over Auth0's pairs", () => {
    fc.assert(
      fc.property(filters(auth0Leaf), fc.array(auth0Records, { minLength: 20, maxLength: 20 }), (text, samples) => {
        agree(auth0, text, samples);
      }),
      { numRuns: runs(400) },
    );
  });
});

describe("mapSort", () => {
  const spec = (sortBy: string, order?: string) => resolveSort(userResourceType, sortBy, order)!;

  test.each<[string, string, string, string[]]>([
    ["simple", "host", "userName", ["login"]],
    ["sub-attribute", "host", "name.familyName", ["last_name"]],
    ["extension", "host", `${ENT}:employeeNumber`, ["hr", "employee_no"]],
    ["inside a whole element (the only address group)", "host", "addresses.locality", ["office", "locality"]],
    ["the only email group", "host", "emails", ["email"]],
    ["the primary email", "auth0", "emails.value", ["email"]],
    ["meta passes through", "host", "meta.lastModified", ["meta", "lastModified"]],
  ])("%s (%s): %s", (_name, mapping, sortBy, path) => {
    const out = mappingNamed(mapping).mapSort(spec(sortBy, "descending"));
    expect(out.path).toEqual(path);
    expect(out.descending).toBe(true);
  });

  test.each([
    ["nickName", "not mapped"],
    ["phoneNumbers", "primary"],
    ["active", "transformed"],
  ])("%s is 400 invalidValue (%s)", (sortBy, why) => {
    const error = scimErrorOf(() => host.mapSort(spec(sortBy)));
    expect(error.scimType).toBe("invalidValue");
    expect(error.detail).toContain(why);
  });

  test("sorting the app records by the mapped key gives the order of the SCIM views", () => {
    const keys = ["userName", "name.givenName", "emails", "addresses.locality", `${ENT}:manager.value`, "title"];
    fc.assert(
      fc.property(
        fc.array(hostRecords, { minLength: 2, maxLength: 12 }),
        fc.constantFrom(...keys),
        fc.boolean(),
        (rows, key, desc) => {
          const withIds = rows.map((r, i) => ({ ...r, server: { ...r.server, id: String(i).padStart(3, "0") } }));
          const scimSpec = spec(key, desc ? "descending" : "ascending");
          const appSpec = host.mapSort(scimSpec);
          const order = (views: Record<string, unknown>[], s: typeof scimSpec) => {
            const compare = compareRecords(s);
            return [...views]
              .sort((a, b) => compare(a, b) || String(a.id).localeCompare(String(b.id)))
              .map((v) => v.id);
          };
          const scimOrder = order(
            withIds.map((r) => scimView(host, r.server, r.record)),
            scimSpec,
          );
          const appOrder = order(
            withIds.map((r) => appView(r.server, r.record)),
            appSpec,
          );
          expect(appOrder).toEqual(scimOrder);
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

describe("appPathOf", () => {
  test.each<[string, string[], string[] | undefined]>([
    ["host", ["userName"], ["login"]],
    ["host", ["name", "givenName"], ["first_name"]],
    ["host", [ENT, "employeeNumber"], ["hr", "employee_no"]],
    ["host", ["emails", "value"], undefined],
    ["host", ["nickName"], undefined],
    ["host", ["id"], ["id"]],
    ["auth0", ["userName"], ["username"]],
  ])("%s: %j", (mapping, path, expected) => {
    expect(mappingNamed(mapping).appPathOf(path)).toEqual(expected);
  });

  test("Okta matching existing users by email: userName onto the app's email", () => {
    const pairs: MappingPair[] = [{ scim: "userName", app: "email" }];
    expect(compileMapping(userResourceType, pairs).appPathOf(["userName"])).toEqual(["email"]);
  });
});
