import { parseFilter, parsePatchPath } from "../../lib/protocol/filter";
import { ScimError } from "../../lib/protocol/errors";

test("smoke", () => {
  expect(parseFilter('userName eq "bjensen"')).toEqual({ op: "eq", attrPath: { name: "userName" }, compValue: "bjensen" });
  expect(parseFilter('emails[type eq "work"].value eq "x"')).toEqual({
    op: "valuePath",
    attrPath: { name: "emails" },
    filter: { op: "and", filters: [
      { op: "eq", attrPath: { name: "type" }, compValue: "work" },
      { op: "eq", attrPath: { name: "value" }, compValue: "x" },
    ] },
  });
  expect(parsePatchPath('emails[type eq "work"].value')).toMatchObject({ subAttr: "value" });
  expect(() => parseFilter("a eq")).toThrow(ScimError);
});
