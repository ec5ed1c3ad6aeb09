/** The filter-to-SQL compiler on its own: what reaches SQL text, and what only ever binds. */
import { ScimError } from "../../lib/protocol/errors";
import type { ResolvedFilter } from "../../lib/protocol/filter/ast";
import { compileFilter, compileSortKeys } from "../../lib/stores/sql/compile";
import type { StoreDialect } from "../../lib/stores/sql/driver";
import { postgresDialect } from "../../lib/stores/postgres/dialect";
import { sqliteDialect } from "../../lib/stores/sqlite/dialect";

const HOSTILE = "'); drop table users; --";
const dialects: [string, StoreDialect][] = [
  ["postgres", postgresDialect("scim")],
  ["sqlite", sqliteDialect()],
];
const str = (path: string[], multiValued = false) => ({ path, type: "string" as const, caseExact: false, multiValued });

function compile(d: StoreDialect, filter: ResolvedFilter, kind: "users" | "groups" = "users") {
  const params = d.params();
  const sql = compileFilter(filter, { dialect: d, params, kind, alias: "t" });
  return { sql, values: params.values };
}

describe.each(dialects)("%s compiler", (_name, d) => {
  test("a hostile literal is a bound parameter, never SQL text", () => {
    for (const op of ["eq", "co", "sw", "ew", "gt"] as const) {
      for (const path of [["userName"], ["title"], ["emails", "value"]]) {
        const { sql, values } = compile(d, { op, attrPath: str(path, path.length > 1), compValue: HOSTILE });
        expect(sql).not.toContain("drop table");
        expect(values.map(String).some((v) => v.toLowerCase() === HOSTILE)).toBe(true);
      }
    }
  });

  test("attribute keys are bound too, and odd ones are refused with 400 invalidFilter", () => {
    const { sql, values } = compile(d, {
      op: "eq",
      attrPath: str(["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "employeeNumber"]),
      compValue: "1",
    });
    expect(sql).not.toContain("employeeNumber");
    expect(JSON.stringify(values)).toContain("employeeNumber");
    for (const key of [`a"b`, "a'b", "x) or 1=1 --", "a\\b", "", "a b", "a\u0000b", "k".repeat(300)]) {
      expect(() => compile(d, { op: "pr", attrPath: str(["name", key]) })).toThrow(ScimError);
      try {
        compile(d, { op: "eq", attrPath: str([key]), compValue: "x" });
        throw new Error("expected a refusal");
      } catch (error) {
        expect(error).toBeInstanceOf(ScimError);
        expect((error as ScimError).status).toBe(400);
        expect((error as ScimError).scimType).toBe("invalidFilter");
      }
    }
  });

  test("indexed attributes compile to their columns", () => {
    expect(compile(d, { op: "eq", attrPath: str(["userName"]), compValue: "Ada" }).sql).toMatch(/t\.user_name/);
    expect(compile(d, { op: "eq", attrPath: { ...str(["externalId"]), caseExact: true }, compValue: "x" }).sql).toMatch(
      /\(t\.external_id = /,
    );
    expect(compile(d, { op: "eq", attrPath: { ...str(["id"]), caseExact: true }, compValue: "x" }).sql).toMatch(
      /\(t\.id = /,
    );
    expect(compile(d, { op: "eq", attrPath: str(["displayName"]), compValue: "G" }, "groups").sql).toMatch(
      /t\.display_name/,
    );
    expect(compile(d, { op: "eq", attrPath: str(["members", "value"], true), compValue: "u1" }, "groups").sql).toMatch(
      /memberships/,
    );
  });

  test("value paths are one EXISTS per element; nested ones are refused", () => {
    const filter: ResolvedFilter = {
      op: "valuePath",
      attrPath: { path: ["emails"], type: "complex", caseExact: false, multiValued: true },
      filter: {
        op: "and",
        filters: [
          { op: "eq", attrPath: str(["type"]), compValue: "work" },
          { op: "pr", attrPath: str(["value"]) },
        ],
      },
    };
    expect(compile(d, filter).sql.match(/EXISTS/g)?.length).toBeGreaterThanOrEqual(1);
    const nested: ResolvedFilter = { op: "valuePath", attrPath: filter.attrPath, filter };
    expect(() => compile(d, nested)).toThrow(/Nested value filters/);
  });

  test("sort keys bind their path and refuse members", () => {
    const params = d.params();
    const keys = compileSortKeys(
      { path: ["name", "familyName"], multiValued: false, caseExact: false, type: "string", descending: false },
      { dialect: d, params, kind: "users", alias: "t" },
    );
    expect(keys.num + keys.txt).not.toContain("familyName");
    expect(() =>
      compileSortKeys(
        { path: ["members", "value"], multiValued: true, caseExact: false, type: "string", descending: false },
        { dialect: d, params: d.params(), kind: "groups", alias: "t" },
      ),
    ).toThrow(ScimError);
  });
});
