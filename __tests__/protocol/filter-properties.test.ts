import fc from "fast-check";
import {
  evaluate,
  parseFilter,
  parsePatchPath,
  printFilter,
  printPatchPath,
  resolveFilter,
  type AttrPath,
  type Filter,
  type Literal,
} from "../../lib/protocol/filter";
import { ScimError } from "../../lib/protocol/errors";
import { userResourceType } from "../../lib/schema/core";
import { linearReads, measureWork } from "./work-meter";

// Test oracle only: scim2-parse-filter@0.2.10 must never face the network (see docs/filters.md).
const oracle = require("scim2-parse-filter") as {
  parse(text: string): unknown;
  filter(ast: unknown): (record: unknown) => boolean;
};

const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");
const nameChars = [...letters, ..."0123456789-_".split("")];

// "not" followed by anything but "(" would be a syntax error, so it is no attribute name.
const attrName = fc
  .oneof(
    fc
      .tuple(fc.constantFrom(...letters), fc.string({ unit: fc.constantFrom(...nameChars), maxLength: 8 }))
      .map(([a, b]) => a + b),
    fc.constantFrom("$ref", "$REF", "and", "or", "pr", "eq", "true", "null", "userName", "emails"),
  )
  .filter((n) => n.toLowerCase() !== "not");

const uri = fc.oneof(
  fc.constantFrom(
    "urn:ietf:params:scim:schemas:core:2.0:User",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    "URN:example:v1.2",
  ),
  fc
    .array(fc.string({ unit: fc.constantFrom(...nameChars, "."), minLength: 1, maxLength: 6 }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((parts) => `urn:${parts.join(":")}`),
);

function attrPathArb(withSub: boolean): fc.Arbitrary<AttrPath> {
  return fc
    .record({ uri, name: attrName, subAttr: withSub ? attrName : fc.constant(undefined) }, { requiredKeys: ["name"] })
    .map((p) => {
      const out: AttrPath = { name: p.name };
      if (p.uri !== undefined) out.uri = p.uri;
      if (p.subAttr !== undefined) out.subAttr = p.subAttr;
      return out;
    });
}

// Literals the parser takes: "\u0000" is refused (no store keeps it; filter-parse.test.ts).
const noNul = (s: string) => s.replaceAll("\u0000", "");
const literal: fc.Arbitrary<Literal> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }).map(noNul),
  fc.string({ maxLength: 12 }).map(noNul),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const compareOp = fc.constantFrom("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le" as const);

function filterArb(allowValuePath: boolean): fc.Arbitrary<Filter> {
  const { filter } = fc.letrec<{ filter: Filter; leaf: Filter }>((tie) => ({
    leaf: fc.oneof(
      fc.record({ op: compareOp, attrPath: attrPathArb(true), compValue: literal }) as fc.Arbitrary<Filter>,
      fc.record({ op: fc.constant("pr" as const), attrPath: attrPathArb(true) }),
    ),
    filter: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      tie("leaf"),
      fc.record({
        op: fc.constantFrom("and" as const, "or" as const),
        filters: fc.array(tie("filter"), { minLength: 2, maxLength: 3 }),
      }),
      fc.record({ op: fc.constant("not" as const), filter: tie("filter") }),
      ...(allowValuePath
        ? [fc.record({ op: fc.constant("valuePath" as const), attrPath: attrPathArb(false), filter: filterArb(false) })]
        : []),
    ),
  }));
  return filter;
}

const roomy = { maxLength: 1_000_000, maxDepth: 1000, maxTerms: 100_000 };

describe("print -> parse round trip", () => {
  test("parseFilter(printFilter(ast)) equals ast", () => {
    fc.assert(
      fc.property(filterArb(true), (ast) => {
        expect(parseFilter(printFilter(ast), roomy)).toEqual(ast);
      }),
      { numRuns: 500 },
    );
  });

  test("printing is canonical: print(parse(print(ast))) === print(ast)", () => {
    fc.assert(
      fc.property(filterArb(true), (ast) => {
        const text = printFilter(ast);
        expect(printFilter(parseFilter(text, roomy))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  test("PATCH paths round-trip", () => {
    const patchPath = fc.oneof(
      attrPathArb(true).map((attrPath) => ({ attrPath })),
      fc.record({ attrPath: attrPathArb(false), valueFilter: filterArb(false) }),
      fc.record({ attrPath: attrPathArb(false), valueFilter: filterArb(false), subAttr: attrName }),
    );
    fc.assert(
      fc.property(patchPath, (path) => {
        expect(parsePatchPath(printPatchPath(path), roomy)).toEqual(path);
      }),
      { numRuns: 300 },
    );
  });
});

describe("arbitrary input never throws anything but a 400 ScimError, and finishes fast", () => {
  const pieces = [
    "(",
    ")",
    "[",
    "]",
    '"',
    "\\",
    " ",
    "\t",
    "\n",
    "\u0000",
    "and",
    "or",
    "not",
    "eq",
    "pr",
    "gt",
    "co",
    "userName",
    "emails",
    ".value",
    "name.familyName",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:",
    "manager.value",
    "true",
    "null",
    "12",
    "-1.5e3",
    '"x"',
    '"\\u00',
    '\\"',
    "\\u0041",
    "😀",
    "\uD800",
    ":",
    ".",
    "meta.lastModified",
    '"2026-01-01T00:00:00Z"',
    "active",
    '"True"',
    'emails[type eq "work"]',
    "$ref",
  ];
  const soup = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((p) => p.join(""));
  const anyText = fc.oneof(soup, fc.string({ unit: "binary", maxLength: 200 }), fc.string({ maxLength: 200 }));

  /** "Fast" is counted, not timed: characters read stay linear in the input (see work-meter.ts). */
  function attempt(text: string, fn: () => unknown): void {
    const work = measureWork(fn);
    if ("thrown" in work) {
      const e = work.thrown;
      if (!(e instanceof ScimError) || e.status !== 400) throw e;
      expect(["invalidFilter", "invalidPath"]).toContain(e.scimType);
    }
    expect(work.reads).toBeLessThanOrEqual(linearReads(text));
  }

  test("parseFilter + resolveFilter + evaluate", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        attempt(text, () => {
          const resolved = resolveFilter(userResourceType, parseFilter(text));
          evaluate(resolved, {
            userName: "x",
            emails: [{ value: "y", type: "work" }],
            meta: { lastModified: new Date() },
          });
        });
      }),
      { numRuns: 3000 },
    );
  });

  test("parsePatchPath", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        attempt(text, () => parsePatchPath(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("differential test against scim2-parse-filter (where it is right)", () => {
  // Its comparisons are case-sensitive and its value paths only work with a single comparison,
  // so the generated filters stay inside that domain: lower-case values, no escapes, no ne,
  // single-comparison value filters, and records without null/empty values.
  const records = [
    {
      userName: "alice",
      displayName: "alice smith",
      title: "engineer",
      emails: [{ value: "alice@x.com", type: "work" }],
    },
    {
      userName: "bob",
      displayName: "bob jones",
      emails: [
        { value: "bob@y.org", type: "home" },
        { value: "bj@x.com", type: "work" },
      ],
    },
    { userName: "carol", title: "manager" },
    { userName: "dave", displayName: "dave", title: "engineer", emails: [{ value: "dave@y.org", type: "other" }] },
    {
      userName: "erin",
      emails: [
        { value: "erin@x.com", type: "work" },
        { value: "erin@y.org", type: "home" },
      ],
    },
    {},
  ];
  const words = [
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "smith",
    "jones",
    "engineer",
    "manager",
    "x.com",
    "y.org",
    "work",
    "home",
    "a",
    "e",
    "@",
    "",
  ];
  const value = fc.constantFrom(...words);
  const simpleAttr = fc.constantFrom("userName", "displayName", "title", "emails.value", "emails.type");
  const op = fc.constantFrom("eq", "co", "sw", "ew");
  const comparison = fc.tuple(simpleAttr, op, value).map(([a, o, v]) => `${a} ${o} "${v}"`);
  const presence = simpleAttr.map((a) => `${a} pr`);
  const valuePath = fc
    .tuple(fc.constantFrom("type", "value"), op, value)
    .map(([a, o, v]) => `emails[${a} ${o} "${v}"]`);

  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      comparison,
      presence,
      valuePath,
      fc.tuple(tie("expr"), fc.constantFrom("and", "or"), tie("expr")).map(([a, o, b]) => `${a} ${o} ${b}`),
      tie("expr").map((e) => `(${e})`),
      tie("expr").map((e) => `not (${e})`),
    ),
  }));

  test("same records match", () => {
    const seen = { true: 0, false: 0 };
    fc.assert(
      fc.property(expr, (text) => {
        const ours = resolveFilter(userResourceType, parseFilter(text, roomy));
        const theirs = oracle.filter(oracle.parse(text));
        for (const record of records) {
          const result = evaluate(ours, record);
          seen[`${result}`]++;
          expect([text, record, result]).toEqual([text, record, theirs(record)]);
        }
      }),
      { numRuns: 1000 },
    );
    // The comparison is only worth something if both answers occur often.
    expect(seen.true).toBeGreaterThan(500);
    expect(seen.false).toBeGreaterThan(500);
  });
});
