import { compareRecords, resolveSort } from "../../lib/protocol/filter";
import { groupResourceType, userResourceType } from "../../lib/schema/core";
import { scimErrorOf } from "./scim-error";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("resolveSort", () => {
  test.each([
    [
      "userName",
      undefined,
      { path: ["userName"], multiValued: false, caseExact: false, type: "string", descending: false },
    ],
    [
      "USERNAME",
      "Descending",
      { path: ["userName"], multiValued: false, caseExact: false, type: "string", descending: true },
    ],
    [
      "name.familyName",
      "ascending",
      { path: ["name", "familyName"], multiValued: false, caseExact: false, type: "string", descending: false },
    ],
    [
      "emails",
      undefined,
      { path: ["emails", "value"], multiValued: true, caseExact: false, type: "string", descending: false },
    ],
    [
      "emails.value",
      "DESCENDING",
      { path: ["emails", "value"], multiValued: true, caseExact: false, type: "string", descending: true },
    ],
    [
      "meta.lastModified",
      undefined,
      { path: ["meta", "lastModified"], multiValued: false, caseExact: false, type: "dateTime", descending: false },
    ],
    ["id", undefined, { path: ["id"], multiValued: false, caseExact: true, type: "string", descending: false }],
    [
      `${ENT}:employeeNumber`,
      undefined,
      { path: [ENT, "employeeNumber"], multiValued: false, caseExact: false, type: "string", descending: false },
    ],
    [
      "urn:ietf:params:scim:schemas:core:2.0:User:userName",
      "",
      { path: ["userName"], multiValued: false, caseExact: false, type: "string", descending: false },
    ],
  ])("sortBy=%s sortOrder=%s", (sortBy, sortOrder, spec) => {
    expect(resolveSort(userResourceType, sortBy, sortOrder)).toEqual(spec);
  });

  test("no sortBy means no sort", () => {
    expect(resolveSort(userResourceType, undefined, undefined)).toBeUndefined();
    expect(resolveSort(userResourceType, "", "descending")).toBeUndefined();
  });

  test("groups", () => {
    expect(resolveSort(groupResourceType, "displayName", undefined)).toMatchObject({ path: ["displayName"] });
  });

  // Member sets have no primary and no first value: refused before any store runs (issue 13).
  test.each([
    [groupResourceType, "members"],
    [groupResourceType, "members.value"],
    [groupResourceType, "MEMBERS.display"],
    [groupResourceType, "urn:ietf:params:scim:schemas:core:2.0:Group:members.type"],
    [userResourceType, "groups"],
    [userResourceType, "groups.value"],
  ])("%#: sortBy=%s on a membership set is 400 invalidValue", (rt, sortBy) => {
    const error = scimErrorOf(() => resolveSort(rt, sortBy, undefined));
    expect([error.status, error.scimType]).toEqual([400, "invalidValue"]);
    expect(error.detail).toMatch(/unordered set/);
  });

  test.each([
    ["nope", undefined],
    ["name", undefined],
    ["meta", undefined],
    [`${ENT}:manager`, undefined],
    ['emails[type eq "work"]', undefined],
    ["a.b.c", undefined],
    ["userName", "up"],
    ["userName", "asc"],
    ["x".repeat(5000), undefined],
  ])("sortBy=%s sortOrder=%s is 400 invalidValue", (sortBy, sortOrder) => {
    const err = scimErrorOf(() => resolveSort(userResourceType, sortBy, sortOrder));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe("invalidValue");
  });
});

describe("compareRecords", () => {
  const sortIds = (records: { id: string; [key: string]: unknown }[], sortBy: string, sortOrder?: string) => {
    const spec = resolveSort(userResourceType, sortBy, sortOrder)!;
    const cmp = compareRecords(spec);
    // Ties broken by id, as the caller must do for stable paging.
    return [...records].sort((a, b) => cmp(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((r) => r.id);
  };

  const records = [
    {
      id: "1",
      userName: "carol",
      name: { familyName: "Zed" },
      emails: [
        { value: "z@x", primary: false },
        { value: "a@x", primary: true },
      ],
    },
    { id: "2", userName: "Alice", emails: [{ value: "m@x" }] },
    { id: "3", userName: "bob", name: { familyName: "" }, emails: [] },
    {
      id: "4",
      userName: "alice2",
      name: { familyName: "adams" },
      emails: [{ value: "b@x", primary: "True" }, { value: "0@x" }],
    },
    { id: "5", name: { familyName: "Brown" } },
  ];

  test("case-insensitive ascending; missing sorts last", () => {
    expect(sortIds(records, "userName")).toEqual(["2", "4", "3", "1", "5"]);
  });
  test("descending; missing sorts first", () => {
    expect(sortIds(records, "userName", "descending")).toEqual(["5", "1", "3", "4", "2"]);
  });
  test("sub-attributes; empty strings count as missing", () => {
    expect(sortIds(records, "name.familyName")).toEqual(["4", "5", "1", "2", "3"]);
  });
  test("multi-valued attributes sort by the primary element, else the first", () => {
    expect(sortIds(records, "emails")).toEqual(["1", "4", "2", "3", "5"]);
    expect(sortIds(records, "emails.value", "descending")).toEqual(["3", "5", "2", "4", "1"]);
  });
  test("dateTime values sort as instants, Date objects and strings alike", () => {
    const dated = [
      { id: "a", meta: { lastModified: "2026-01-01T00:00:00.500Z" } },
      { id: "b", meta: { lastModified: "2026-01-01T00:00:00Z" } },
      { id: "c", meta: { lastModified: new Date("2026-01-01T00:00:00.250Z") } },
      { id: "d", meta: {} },
      { id: "e", meta: { lastModified: "2026-01-01T01:00:00+01:00" } },
    ];
    expect(sortIds(dated, "meta.lastModified")).toEqual(["b", "e", "c", "a", "d"]);
  });
  test("ids sort case-sensitively (caseExact)", () => {
    expect(sortIds([{ id: "b" }, { id: "B" }, { id: "a" }], "id")).toEqual(["B", "a", "b"]);
  });
  test("equal keys compare as 0 (the caller breaks ties)", () => {
    const cmp = compareRecords(resolveSort(userResourceType, "userName", "descending")!);
    expect(cmp({ userName: "X" }, { userName: "x" })).toBe(0);
    expect(cmp({}, {})).toBe(0);
    expect(Object.is(cmp({}, {}), -0)).toBe(false);
  });
  test("plain strings in a multi-valued attribute (Okta roles) sort by themselves", () => {
    expect(
      sortIds([{ id: "1", roles: ["viewer"] }, { id: "2", roles: ["admin", "zed"] }, { id: "3" }], "roles"),
    ).toEqual(["2", "1", "3"]);
  });
  test("odd targets do not throw", () => {
    const cmp = compareRecords(resolveSort(userResourceType, "emails", undefined)!);
    expect(() => [null, undefined, 1, "x", [], { emails: "nope" }, { emails: [null, 3] }].sort(cmp)).not.toThrow();
  });
});
