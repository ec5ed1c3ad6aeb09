/** Redaction of logged bodies: every spelling of a sensitive attribute, and anything token-shaped. */
import { REDACTED, redactedText, redactor } from "../../lib/request-log/redact";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const redact = redactor(["employeeNumber", `${ENTERPRISE}:costCenter`]);

test.each([
  ["a plain password", { userName: "a", password: "p" }, { userName: "a", password: REDACTED }],
  ["any case", { PassWord: "p" }, { PassWord: REDACTED }],
  [
    "a marked attribute in its extension",
    { [ENTERPRISE]: { employeeNumber: "7" } },
    { [ENTERPRISE]: { employeeNumber: REDACTED } },
  ],
  [
    "a URN-qualified key (Entra)",
    { [`${ENTERPRISE}:employeeNumber`]: "7" },
    { [`${ENTERPRISE}:employeeNumber`]: REDACTED },
  ],
  [
    "a marked attribute named by its URN",
    { [ENTERPRISE]: { costCenter: "cc" } },
    { [ENTERPRISE]: { costCenter: REDACTED } },
  ],
  ["a dotted key", { "name.password": "p" }, { "name.password": REDACTED }],
  [
    "a PATCH operation's value by its path",
    {
      Operations: [
        { op: "replace", path: "password", value: "p" },
        { op: "replace", path: "active", value: false },
      ],
    },
    {
      Operations: [
        { op: "replace", path: "password", value: REDACTED },
        { op: "replace", path: "active", value: false },
      ],
    },
  ],
  [
    "a PATCH path with a filter",
    { Operations: [{ op: "add", path: `${ENTERPRISE}:employeeNumber`, value: "7" }] },
    { Operations: [{ op: "add", path: `${ENTERPRISE}:employeeNumber`, value: REDACTED }] },
  ],
  [
    "a token anywhere in a string",
    { detail: "bad Bearer abc.def and scim_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA here" },
    { detail: `bad ${REDACTED} and ${REDACTED} here` },
  ],
  [
    "what is not sensitive",
    { userName: "a", emails: [{ value: "a@b" }] },
    { userName: "a", emails: [{ value: "a@b" }] },
  ],
])("%s", (_name, input, expected) => {
  expect(redact(input)).toEqual(expected);
});

test("bodies are kept as redacted JSON text, cut at the limit; what is not JSON only by its size", () => {
  expect(redactedText(redact, '{"password":"p"}', 1000)).toBe(`{\n  "password": "${REDACTED}"\n}`);
  expect(redactedText(redact, "password=p", 1000)).toBe("[10 bytes, not JSON]");
  const long = redactedText(redact, { userName: "x".repeat(2000) }, 300)!;
  expect(long).toMatch(/\[cut at 300 bytes\]$/);
  expect(redactedText(redact, "", 300)).toBeUndefined();
});

test("a sensitive list that is not a list of names is a start-up error", () => {
  expect(() => redactor("password" as never)).toThrow(TypeError);
  expect(() => redactor([""])).toThrow(TypeError);
});
