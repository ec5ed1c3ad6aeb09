import { DEFAULT_LIMITS } from "../../lib";
import { parsePatchRequest } from "../../lib/protocol/patch";

const DEFAULT_MAX_OPERATIONS = DEFAULT_LIMITS.maxOperations;
import { PATCH_OP_SCHEMA } from "../../lib/schema/urns";
import { patchOp } from "./patch-helpers";
import { scimErrorOf } from "./scim-error";

describe("parsePatchRequest", () => {
  test("RFC 7644 3.5.2 example body", () => {
    const ops = parsePatchRequest(
      patchOp({
        op: "add",
        path: "members",
        value: [{ display: "Babs Jensen", $ref: "https://example.com/v2/Users/2819c223", value: "2819c223" }],
      }),
    );
    expect(ops).toEqual([
      {
        op: "add",
        path: { attrPath: { name: "members" } },
        value: [{ display: "Babs Jensen", $ref: "https://example.com/v2/Users/2819c223", value: "2819c223" }],
      },
    ]);
  });

  test.each([["Add"], ["ADD"], ["add"], [" add "]])("op %j is add (Entra capitalises)", (op) => {
    expect(parsePatchRequest(patchOp({ op, path: "title", value: "x" }))[0]?.op).toBe("add");
  });

  test("Operations, op, path and value keys are case-insensitive", () => {
    expect(
      parsePatchRequest({
        schemas: [PATCH_OP_SCHEMA],
        operations: [{ Op: "Replace", Path: "active", Value: "False" }],
      }),
    ).toEqual([{ op: "replace", path: { attrPath: { name: "active" } }, value: "False" }]);
  });

  test("value filter and sub-attribute are parsed", () => {
    const [op] = parsePatchRequest(patchOp({ op: "remove", path: 'emails[type eq "work"].display' }));
    expect(op?.path).toEqual({
      attrPath: { name: "emails" },
      valueFilter: { op: "eq", attrPath: { name: "type" }, compValue: "work" },
      subAttr: "display",
    });
  });

  test("empty Operations is a no-op, not an error (Entra)", () => {
    expect(parsePatchRequest(patchOp())).toEqual([]);
  });

  test("missing PatchOp schema is accepted and reported to warn", () => {
    const warnings: string[] = [];
    expect(
      parsePatchRequest(
        { Operations: [{ op: "replace", value: { active: false } }] },
        { warn: (m) => warnings.push(m) },
      ),
    ).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    parsePatchRequest(patchOp(), { warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
  });

  test("blank path means no path", () => {
    const [op] = parsePatchRequest(patchOp({ op: "replace", path: "", value: { active: false } }));
    expect(op).toBeDefined();
    expect(op?.path).toBeUndefined();
  });

  test("null value is kept (it clears)", () => {
    expect(parsePatchRequest(patchOp({ op: "replace", path: "title", value: null }))[0]).toEqual({
      op: "replace",
      path: { attrPath: { name: "title" } },
      value: null,
    });
  });

  test.each<[string, unknown, number, string]>([
    ["body is an array", [], 400, "invalidSyntax"],
    ["body is a string", "Operations", 400, "invalidSyntax"],
    ["no Operations", { schemas: [PATCH_OP_SCHEMA] }, 400, "invalidSyntax"],
    ["Operations not a list", { Operations: {} }, 400, "invalidSyntax"],
    ["operation not an object", patchOp("add"), 400, "invalidSyntax"],
    ["unknown op", patchOp({ op: "move", path: "title", value: "x" }), 400, "invalidSyntax"],
    ["missing op", patchOp({ path: "title", value: "x" }), 400, "invalidSyntax"],
    ["remove without path", patchOp({ op: "remove" }), 400, "noTarget"],
    ["add without value", patchOp({ op: "add", path: "title" }), 400, "invalidValue"],
    ["replace without value", patchOp({ op: "Replace" }), 400, "invalidValue"],
    ["path not a string", patchOp({ op: "add", path: 7, value: "x" }), 400, "invalidPath"],
    ["malformed path", patchOp({ op: "add", path: "emails[type eq", value: "x" }), 400, "invalidPath"],
  ])("%s -> %s %s", (_name, body, status, scimType) => {
    const error = scimErrorOf(() => parsePatchRequest(body));
    expect([error.status, error.scimType]).toEqual([status, scimType]);
    expect(error.detail.length).toBeGreaterThan(0);
  });

  test("more operations than the limit is 400 tooMany", () => {
    const ops = Array.from({ length: DEFAULT_MAX_OPERATIONS + 1 }, () => ({ op: "add", path: "title", value: "x" }));
    expect(parsePatchRequest(patchOp(...ops.slice(1)))).toHaveLength(DEFAULT_MAX_OPERATIONS);
    const error = scimErrorOf(() => parsePatchRequest(patchOp(...ops)));
    expect([error.status, error.scimType]).toEqual([400, "tooMany"]);
    expect(scimErrorOf(() => parsePatchRequest(patchOp(...ops.slice(0, 3)), { maxOperations: 2 })).scimType).toBe(
      "tooMany",
    );
  });
});
