/**
 * lib/values: one reading of a SCIM boolean, one dateTime grammar and one URN split, whichever path a value
 * takes (write, filter literal, filter evaluation, sort, mapping). Each row goes through every
 * path; a path that reads it differently from the others fails the row.
 */
import {
  evaluate,
  parseFilter,
  parseInstant,
  resolveFilter,
  resolveSort,
  compareRecords,
} from "../../lib/protocol/filter";
import { parseAttributeList } from "../../lib/protocol/attribute-list";
import { coerceValue } from "../../lib/schema/coerce";
import { normalizeResource } from "../../lib/schema/normalize";
import * as defaults from "../../lib/values/defaults";
import { userResourceType } from "../../lib/schema/core";
import { PADDING_CODE_POINTS, readBoolean } from "../../lib/values/boolean";
import { scimErrorOf } from "./scim-error";

const bool = {
  name: "active",
  type: "boolean",
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
} as const;
const when = { ...bool, name: "when", type: "dateTime" } as const;

describe("a SCIM boolean read from a string: the same answer on every path", () => {
  // Entra sends "True"/"False"; the write path always trimmed, the filter paths did not.
  const rows: [string, boolean | undefined][] = [
    ["True", true],
    ["False", false],
    ["TRUE", true],
    ["false", false],
    [" True", true],
    ["False\n", false],
    ["\u00a0true\t", true],
    ["yes", undefined],
    ["t rue", undefined],
  ];

  test.each(rows)("%j reads as %s", (text, expected) => {
    expect(readBoolean(text)).toBe(expected);
    // write (RFC 7643 2.3.2 through the schema's coercion)
    if (expected === undefined)
      expect(scimErrorOf(() => coerceValue(bool, text, "active")).scimType).toBe("invalidValue");
    else expect(coerceValue(bool, text, "active")).toBe(expected);
    // a filter literal on a boolean attribute
    const filter = () => resolveFilter(userResourceType, parseFilter(`active eq ${JSON.stringify(text)}`));
    if (expected === undefined) {
      expect(scimErrorOf(filter).scimType).toBe("invalidFilter");
      return;
    }
    // a stored string (a host's own record, or one written before coercion) matched by a filter
    expect(evaluate(filter(), { active: text })).toBe(true);
    expect(evaluate(resolveFilter(userResourceType, parseFilter(`active eq ${!expected}`)), { active: text })).toBe(
      false,
    );
    // sort: the element whose "primary" reads true decides
    const spec = resolveSort(userResourceType, "emails.value", "ascending")!;
    const primaryMarked = { emails: [{ value: "b@x" }, { value: "z@x", primary: text }] };
    const other = { emails: [{ value: "m@x" }] };
    const first = [primaryMarked, other].sort(compareRecords(spec))[0];
    expect(first).toBe(expected ? other : primaryMarked);
  });

  test("the padding the SQL stores trim is exactly what String.prototype.trim trims", () => {
    const trimmed: number[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp < 0xe000) continue;
      const c = String.fromCodePoint(cp);
      if (`${c}x${c}`.trim() === "x") trimmed.push(cp);
    }
    expect([...PADDING_CODE_POINTS]).toEqual(trimmed);
  });
});

describe("dateTime: one grammar for write, filter and sort", () => {
  const impossible = [
    "2024-02-30T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-04-31T12:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T12:00:00+24:00",
    "10000-01-01T00:00:00Z",
    "-0001-01-01T00:00:00Z",
  ];

  test.each(impossible)(
    "%s is refused on write (400 invalidValue naming the attribute), as no filter can read it",
    (text) => {
      expect(parseInstant(text)).toBeUndefined();
      const err = scimErrorOf(() => coerceValue(when, text, "when"));
      expect(err.status).toBe(400);
      expect(err.scimType).toBe("invalidValue");
      expect(err.message).toMatch(/'when'/);
    },
  );

  test.each(["2024-02-29T00:00:00Z", "2024-01-31T12:00:00.123+02:00", "0000-01-01T00:00:00Z", "2024-01-31T12:00:00"])(
    "%s is accepted on write, kept as sent, and read by the filter grammar",
    (text) => {
      expect(coerceValue(when, text, "when")).toBe(text);
      expect(parseInstant(text)).toEqual(expect.any(Number));
    },
  );

  test("the write form stays xsd:dateTime: seconds required, no leap second, no date alone", () => {
    for (const text of ["2024-01-31T12:00Z", "2016-12-31T23:59:60Z", "2024-01-31", "2024-01-31 12:00:00Z"]) {
      expect(scimErrorOf(() => coerceValue(when, text, "when")).scimType).toBe("invalidValue");
    }
  });
});

describe("URN-qualified names: one split for filters, sortBy, attribute lists and body keys", () => {
  const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
  test.each([
    [`${ENT}:manager.value`, [ENT, "manager", "value"]],
    [`${ENT.toUpperCase()}:employeeNumber`, [ENT, "employeeNumber"]],
    ["urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", ["name", "givenName"]],
  ])("%s names %j on every path", (name, path) => {
    const filter = resolveFilter(userResourceType, parseFilter(`${name} pr`));
    expect(filter).toMatchObject({ op: "pr", attrPath: { path } });
    expect(resolveSort(userResourceType, name, undefined)?.path).toEqual(path);
    expect(parseAttributeList(userResourceType, name)).toEqual([path]);
    // As Entra writes it in a pathless PATCH value: the key itself is the qualified name.
    const body = normalizeResource(userResourceType, { userName: "u", [name]: "x" });
    expect(body).toMatchObject(path.reduceRight<object>((inner, key) => ({ [key]: inner }), "x" as never));
  });

  test("a URN with no attribute after its scheme is no attribute path, on every path", () => {
    for (const name of ["urn:userName", "urn::userName"]) {
      expect(scimErrorOf(() => parseFilter(`${name} pr`)).scimType).toBe("invalidFilter");
      expect(scimErrorOf(() => resolveSort(userResourceType, name, undefined)).scimType).toBe("invalidValue");
      expect(parseAttributeList(userResourceType, name)).toEqual([]);
    }
  });
});

test("every option default is frozen, nested ones too: no router or store can change another's", () => {
  const frozen = (value: unknown): boolean =>
    typeof value !== "object" || value === null || (Object.isFrozen(value) && Object.values(value).every(frozen));
  const all = Object.entries(defaults);
  expect(all.length).toBeGreaterThan(5);
  for (const [name, value] of all) expect([name, frozen(value)]).toEqual([name, true]);
});
