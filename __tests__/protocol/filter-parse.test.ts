import { parseFilter, parsePatchPath, printFilter, type Filter } from "../../lib/protocol/filter";
import { ScimError } from "../../lib/protocol/errors";
import { linearReads, measureWork } from "./work-meter";
import { scimErrorOf } from "./scim-error";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";

const eq = (name: string, compValue: string | number | boolean | null, more: object = {}) =>
  ({ op: "eq", attrPath: { name, ...more }, compValue }) as Filter;

describe("RFC 7644 3.4.2.2 example filters parse", () => {
  const examples = [
    'userName eq "bjensen"',
    `name.familyName co "O'Malley"`,
    'userName sw "J"',
    `${CORE}:userName sw "J"`,
    "title pr",
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'meta.lastModified ge "2011-05-13T04:42:34Z"',
    'meta.lastModified lt "2011-05-13T04:42:34Z"',
    'meta.lastModified le "2011-05-13T04:42:34Z"',
    'title pr and userType eq "Employee"',
    'title pr or userType eq "Intern"',
    `schemas eq "${ENT}"`,
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    'userType eq "Employee" and (emails.type eq "work")',
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
  ];
  test.each(examples)("%s", (text) => {
    const ast = parseFilter(text);
    // Canonical text re-parses to the same tree.
    expect(parseFilter(printFilter(ast))).toEqual(ast);
  });

  test("trees of a few examples", () => {
    expect(parseFilter(`${CORE}:userName sw "J"`)).toEqual({
      op: "sw",
      attrPath: { uri: CORE, name: "userName" },
      compValue: "J",
    });
    expect(parseFilter("title pr")).toEqual({ op: "pr", attrPath: { name: "title" } });
    expect(parseFilter('userType eq "Employee" and emails[type eq "work" and value co "@example.com"]')).toEqual({
      op: "and",
      filters: [
        eq("userType", "Employee"),
        {
          op: "valuePath",
          attrPath: { name: "emails" },
          filter: {
            op: "and",
            filters: [eq("type", "work"), { op: "co", attrPath: { name: "value" }, compValue: "@example.com" }],
          },
        },
      ],
    });
  });
});

describe("precedence and grouping", () => {
  test("and binds tighter than or", () => {
    expect(parseFilter("a pr or b pr and c pr")).toEqual({
      op: "or",
      filters: [
        { op: "pr", attrPath: { name: "a" } },
        {
          op: "and",
          filters: [
            { op: "pr", attrPath: { name: "b" } },
            { op: "pr", attrPath: { name: "c" } },
          ],
        },
      ],
    });
  });
  test("not binds tighter than and", () => {
    expect(parseFilter("not (a pr) and b pr")).toEqual({
      op: "and",
      filters: [
        { op: "not", filter: { op: "pr", attrPath: { name: "a" } } },
        { op: "pr", attrPath: { name: "b" } },
      ],
    });
  });
  test("chains are n-ary; parentheses keep their grouping", () => {
    expect(parseFilter("a pr and b pr and c pr")).toMatchObject({ op: "and", filters: [{}, {}, {}] });
    expect(parseFilter("(a pr and b pr) and c pr")).toMatchObject({
      op: "and",
      filters: [{ op: "and" }, { op: "pr" }],
    });
    expect(parseFilter("((a pr))")).toEqual({ op: "pr", attrPath: { name: "a" } });
  });
  test("not requires parentheses (RFC 7644 3.4.2.2)", () => {
    expect(scimErrorOf(() => parseFilter('not a eq "b"')).scimType).toBe("invalidFilter");
  });
});

describe("case-insensitive keywords and names", () => {
  test.each([
    ['userName EQ "x"', eq("userName", "x")],
    ['USERNAME Eq "x"', eq("USERNAME", "x")],
    ["title PR", { op: "pr", attrPath: { name: "title" } }],
    [
      "a pr AND b pr",
      {
        op: "and",
        filters: [
          { op: "pr", attrPath: { name: "a" } },
          { op: "pr", attrPath: { name: "b" } },
        ],
      },
    ],
    [
      "a pr Or b pr",
      {
        op: "or",
        filters: [
          { op: "pr", attrPath: { name: "a" } },
          { op: "pr", attrPath: { name: "b" } },
        ],
      },
    ],
    ["NOT (a pr)", { op: "not", filter: { op: "pr", attrPath: { name: "a" } } }],
    ["active eq TRUE", eq("active", true)],
    ["active eq False", eq("active", false)],
    ["manager eq NULL", eq("manager", null)],
  ] as [string, Filter][])("%s", (text, ast) => {
    expect(parseFilter(text)).toEqual(ast);
  });
});

describe("literals", () => {
  test.each([
    ['"plain"', "plain"],
    ['"a\\"b"', 'a"b'],
    ['"a\\\\b"', "a\\b"],
    ['"a\\/b"', "a/b"],
    ['"\\b\\f\\n\\r\\t"', "\b\f\n\r\t"],
    ['"\\u0041\\u00e9"', "Aé"],
    ['"\\uD83D\\uDE00"', "😀"],
    ['"é😀"', "é😀"],
    ['""', ""],
    ["0", 0],
    ["-1", -1],
    ["12.5", 12.5],
    ["1e3", 1000],
    ["-2.5E-1", -0.25],
    ["true", true],
    ["false", false],
    ["null", null],
  ] as [string, string | number | boolean | null][])("%s", (literal, value) => {
    expect(parseFilter(`x eq ${literal}`)).toEqual(eq("x", value));
  });

  test("a raw tab inside a string is kept", () => {
    expect(parseFilter('x eq "a\tb"')).toEqual(eq("x", "a\tb"));
  });

  test("numbers that are not JSON numbers are bare words (strings)", () => {
    expect(parseFilter("x eq 01")).toEqual(eq("x", "01"));
    expect(parseFilter("x eq 1.")).toEqual(eq("x", "1."));
    expect(parseFilter("x eq +1")).toEqual(eq("x", "+1"));
  });
});

describe("what real clients send (clients.md)", () => {
  test("Okta lookup", () => {
    expect(parseFilter('userName eq "test.user@okta.local"')).toEqual(eq("userName", "test.user@okta.local"));
  });
  test("Entra unquoted value", () => {
    expect(parseFilter("externalId eq jyoung")).toEqual(eq("externalId", "jyoung"));
    expect(parseFilter("externalId eq 2819c223-7f76-453a-919d-413861904646")).toEqual(
      eq("externalId", "2819c223-7f76-453a-919d-413861904646"),
    );
    expect(parseFilter("(externalId eq jyoung)")).toEqual(eq("externalId", "jyoung"));
  });
  test("Entra sub-attribute after a value filter becomes one value filter", () => {
    expect(parseFilter('emails[type eq "work"].value eq "x@y.com"')).toEqual({
      op: "valuePath",
      attrPath: { name: "emails" },
      filter: { op: "and", filters: [eq("type", "work"), eq("value", "x@y.com")] },
    });
    expect(parseFilter('emails[type eq "work" and primary eq true].value pr')).toEqual({
      op: "valuePath",
      attrPath: { name: "emails" },
      filter: {
        op: "and",
        filters: [eq("type", "work"), eq("primary", true), { op: "pr", attrPath: { name: "value" } }],
      },
    });
    expect(parseFilter('emails[type eq "work"].value eq "x" and userName eq "y"')).toMatchObject({
      op: "and",
      filters: [{ op: "valuePath" }, eq("userName", "y")],
    });
  });
  test("sloppy case and string booleans", () => {
    expect(parseFilter('DisplayName eq "Admins"')).toEqual(eq("DisplayName", "Admins"));
    expect(parseFilter('roles[primary eq "True"]')).toEqual({
      op: "valuePath",
      attrPath: { name: "roles" },
      filter: eq("primary", "True"),
    });
  });
  test("Entra random GUID connection test", () => {
    expect(parseFilter('userName eq "a3f6b2e4-5c1d-4e7f-9a8b-0c1d2e3f4a5b"')).toMatchObject({ op: "eq" });
  });
});

describe("attribute paths", () => {
  test.each([
    ["name.familyName", { name: "name", subAttr: "familyName" }],
    ["emails.value", { name: "emails", subAttr: "value" }],
    ["members.$ref", { name: "members", subAttr: "$ref" }],
    ["meta.lastModified", { name: "meta", subAttr: "lastModified" }],
    [`${ENT}:employeeNumber`, { uri: ENT, name: "employeeNumber" }],
    [`${ENT}:manager.value`, { uri: ENT, name: "manager", subAttr: "value" }],
    [
      `URN:IETF:params:scim:schemas:extension:enterprise:2.0:User:manager.value`,
      {
        uri: "URN:IETF:params:scim:schemas:extension:enterprise:2.0:User",
        name: "manager",
        subAttr: "value",
      },
    ],
    [ENT, { uri: "urn:ietf:params:scim:schemas:extension:enterprise:2.0", name: "User" }],
    ["x-y_z9", { name: "x-y_z9" }],
  ])("%s", (path, attrPath) => {
    expect(parseFilter(`${path} pr`)).toEqual({ op: "pr", attrPath });
  });

  test.each(["a.b.c", "9a", "a:b", "urn:x", ".a", "a.", "é", "a-b.$x", "urn:a:b:"])("%s is not a path", (path) => {
    const err = scimErrorOf(() => parseFilter(`${path} pr`));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe("invalidFilter");
  });
});

describe("malformed filters answer 400 invalidFilter", () => {
  const cases: [string, string][] = [
    ["empty", ""],
    ["blank", "  \t "],
    ["operator without value", "a eq"],
    ["value without path", 'eq "x"'],
    ["unbalanced open", "((a pr)"],
    ["unbalanced close", "(a pr))"],
    ["unterminated string", 'a eq "abc'],
    ["unterminated after escape", 'a eq "abc\\'],
    ["bad escape \\x", 'a eq "\\x41"'],
    ["bad escape \\'", 'a eq "\\\'"'],
    ["short \\u", 'a eq "\\u12"'],
    ["non-hex \\u", 'a eq "\\u12G4"'],
    ["nested value path", 'emails[type eq "work" and x[y eq "z"]]'],
    ["nested value path via parens", 'emails[(x[y eq "z"])]'],
    ["unclosed value path", 'emails[type eq "work"'],
    ["empty value path", "emails[]"],
    ["value path on sub-attribute", 'emails.value[type eq "x"]'],
    ["sub-attribute after value path without operator", 'emails[type eq "work"].value'],
    ["bad sub-attribute after value path", 'emails[type eq "work"].x.y eq "z"'],
    ["unknown operator", 'a like "x"'],
    ["missing operator", "a"],
    ["dangling and", "a pr and"],
    ["dangling or", "or a pr"],
    ["two terms without and", "a pr b pr"],
    ["not without parens", "not a pr"],
    ["empty parens", "()"],
    ["stray bracket", "]"],
    ["value is a paren", "a eq (b)"],
    ["number out of range", "a eq 1e999"],
    ["raw newline", 'a eq "x"\n'],
    ["raw newline in string", 'a eq "x\ny"'],
    ["raw NUL", 'a eq "\u0000"'],
    ["raw DEL", 'a eq "\u007f"'],
    ["raw CR", "a pr\r"],
  ];
  test.each(cases)("%s", (_name, text) => {
    const err = scimErrorOf(() => parseFilter(text));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe("invalidFilter");
    expect(err.detail.length).toBeGreaterThan(0);
  });

  test("non-string input (from JavaScript callers) is a 400, not a TypeError", () => {
    expect(scimErrorOf(() => parseFilter(undefined as unknown as string)).status).toBe(400);
  });
});

test("an unpaired surrogate, escaped or raw, is refused: it is no character", () => {
  for (const text of ['title lt "\\ud83d"', 'title eq "x\\udc00y"', 'title eq "\ud83d"']) {
    const err = scimErrorOf(() => parseFilter(text));
    expect([err.status, err.scimType]).toEqual([400, "invalidFilter"]);
  }
  // A pair written as two escapes is one character, and fine.
  expect(parseFilter('title eq "\\ud83d\\ude00"')).toMatchObject({ compValue: "\u{1F600}" });
});

// PostgreSQL cannot bind U+0000 (22021: a 500 there, an answer elsewhere); no store holds one (lib/values/text.ts).
test("an escaped U+0000 is refused as a lone surrogate is, in filters and PATCH paths", () => {
  for (const text of ['userName eq "\\u0000"', 'title co "a\\u0000b"']) {
    const err = scimErrorOf(() => parseFilter(text));
    expect([err.status, err.scimType]).toEqual([400, "invalidFilter"]);
    expect(err.detail).toContain("U+0000");
  }
});

// "Fast" is counted, not timed, so a loaded machine cannot fail it: the characters the parser
// reads stay linear in the input (work-meter.ts); the times are in bench/filter-parse.js.
describe("hostile inputs fail fast", () => {
  const hostile: [string, string][] = [
    ["30 raw newlines in an unterminated string (hangs scim2-parse-filter)", `userName eq "${"\n".repeat(30)}`],
    ["1000 raw newlines", `userName eq "x${"\n".repeat(1000)}"`],
    ["10k nested parentheses", `${"(".repeat(10_000)}a pr${")".repeat(10_000)}`],
    ["10k nested nots", `${"not (".repeat(10_000)}a pr${")".repeat(10_000)}`],
    ["10k unbalanced parentheses", "(".repeat(10_000)],
    ["100k characters", `userName eq "${"a".repeat(100_000)}"`],
    ["1000 or-ed terms", Array.from({ length: 1000 }, (_, i) => `a eq "${i}"`).join(" or ")],
    ["long run of backslashes", `a eq "${"\\".repeat(7999)}`],
    ["many open brackets", "a[".repeat(3000)],
  ];
  test.each(hostile)("%s", (_name, text) => {
    const { reads, thrown } = measureWork(() => parseFilter(text));
    expect(thrown).toBeInstanceOf(ScimError);
    expect(thrown).toMatchObject({ status: 400, scimType: "invalidFilter" });
    expect(reads).toBeLessThanOrEqual(linearReads(text));
  });

  test("the work meter itself catches a scan that is not linear", () => {
    const text = "a".repeat(200);
    const quadratic = () => {
      for (let i = 0; i < text.length; i++) for (let j = i; j < text.length; j++) text.charCodeAt(j);
    };
    expect(measureWork(quadratic).reads).toBeGreaterThan(linearReads(text));
    expect(measureWork(() => text.slice(1)).reads).toBe(199);
  });
});

test("deep nesting is refused by depth before any recursion, even when length allows it", () => {
  const roomy = { maxLength: 1_000_000, maxDepth: 32, maxTerms: 256 };
  const text = `${"(".repeat(100_000)}a pr${")".repeat(100_000)}`;
  expect(scimErrorOf(() => parseFilter(text, roomy)).detail).toMatch(/nesting/);
  expect(scimErrorOf(() => parseFilter(`${"not (".repeat(100_000)}a pr${")".repeat(100_000)}`, roomy)).detail).toMatch(
    /nesting/,
  );
});

test("an absurd configured depth still ends in a 400, not a stack overflow", () => {
  const absurd = { maxLength: 10_000_000, maxDepth: 10_000_000, maxTerms: 256 };
  const err = scimErrorOf(() => parseFilter(`${"(".repeat(1_000_000)}a pr${")".repeat(1_000_000)}`, absurd));
  expect(err.status).toBe(400);
});

test("error details quote long input only in part", () => {
  const err = scimErrorOf(() => parseFilter(`a eq "x" ${"b".repeat(5000)}`));
  expect(err.detail.length).toBeLessThan(200);
});

describe("limits", () => {
  const limits = { maxLength: 50, maxDepth: 3, maxTerms: 3 };
  test("length is checked first, with a clear detail", () => {
    const err = scimErrorOf(() => parseFilter("a".repeat(51), limits));
    expect(err.detail).toMatch(/51 characters.*limit is 50/);
    expect(() => parseFilter("a pr", limits)).not.toThrow();
  });
  test("depth", () => {
    expect(() => parseFilter("(((a pr)))", limits)).not.toThrow();
    expect(scimErrorOf(() => parseFilter("((((a pr))))", limits)).detail).toMatch(/nesting.*3/);
    expect(() => parseFilter("not ((a pr))", limits)).not.toThrow();
    expect(() => parseFilter('x[(y eq "1")]', limits)).not.toThrow();
    expect(() => parseFilter('((x[(y eq "1")]))', limits)).toThrow(ScimError);
  });
  test("terms", () => {
    expect(() => parseFilter("a pr and b pr and c pr", limits)).not.toThrow();
    expect(scimErrorOf(() => parseFilter("a pr and b pr and c pr or d pr", limits)).detail).toMatch(/limit of 3/);
  });
  test("defaults accept what clients send", () => {
    expect(() => parseFilter(Array.from({ length: 100 }, (_, i) => `a eq "${i}"`).join(" or "))).not.toThrow();
  });
});

describe("whitespace", () => {
  test("any run of spaces and tabs between tokens", () => {
    expect(parseFilter(' \t userName \t eq\t\t"x"  ')).toEqual(eq("userName", "x"));
    expect(parseFilter('( a pr )and(b eq "x")')).toMatchObject({ op: "and" });
    expect(parseFilter('emails[ type eq "work" ]')).toMatchObject({ op: "valuePath" });
    expect(parseFilter('userName eq"x"')).toEqual(eq("userName", "x"));
  });
});

describe("parsePatchPath (RFC 7644 3.5.2)", () => {
  test.each([
    ["members", { attrPath: { name: "members" } }],
    ["name.givenName", { attrPath: { name: "name", subAttr: "givenName" } }],
    [
      'emails[type eq "work"].value',
      {
        attrPath: { name: "emails" },
        valueFilter: eq("type", "work"),
        subAttr: "value",
      },
    ],
    ['members[value eq "2819c223"]', { attrPath: { name: "members" }, valueFilter: eq("value", "2819c223") }],
    [`${ENT}:employeeNumber`, { attrPath: { uri: ENT, name: "employeeNumber" } }],
    [`${ENT}:manager.value`, { attrPath: { uri: ENT, name: "manager", subAttr: "value" } }],
    [ENT, { attrPath: { uri: "urn:ietf:params:scim:schemas:extension:enterprise:2.0", name: "User" } }],
    [
      'roles[primary eq "True"].value',
      { attrPath: { name: "roles" }, valueFilter: eq("primary", "True"), subAttr: "value" },
    ],
    [
      'members[value eq "a" or value eq "b"]',
      {
        attrPath: { name: "members" },
        valueFilter: { op: "or", filters: [eq("value", "a"), eq("value", "b")] },
      },
    ],
    [`${ENT}:manager[value eq "x"]`, { attrPath: { uri: ENT, name: "manager" }, valueFilter: eq("value", "x") }],
    [" members ", { attrPath: { name: "members" } }],
  ])("%s", (text, path) => {
    expect(parsePatchPath(text)).toEqual(path);
  });

  test.each([
    "",
    "members[",
    'members[value eq "x"',
    'members[value eq "x"]x',
    'members[value eq "x"].a.b',
    'members.value[value eq "x"]',
    'emails[x[y eq "z"]]',
    "a b",
    "a.b.c",
    "a eq",
    'members[value eq "x\ny"]',
    "(members)",
  ])("%s is 400 invalidPath", (text) => {
    const err = scimErrorOf(() => parsePatchPath(text));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe("invalidPath");
  });
});
