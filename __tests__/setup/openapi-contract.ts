/**
 * Fails the test whose responses disagreed with the router's OpenAPI document (the recorder in
 * __tests__/helpers/openapi-contract.ts files them as they are sent). CONTRACT_REPORT=<file>
 * appends one line per test file: how many responses were checked.
 */
import fs from "node:fs";
import { tally } from "../helpers/contract-tally";

function drain(): void {
  const t = tally();
  if (t.problems.length === 0) return;
  const problems = t.problems.splice(0);
  throw new Error(
    `${problems.length} response(s) disagree with the OpenAPI document:\n${problems.slice(0, 10).join("\n")}`,
  );
}

afterEach(drain);

afterAll(() => {
  const t = tally();
  if (process.env.CONTRACT_REPORT && t.checked > 0) {
    const file = expect.getState().testPath ?? "?";
    fs.appendFileSync(
      process.env.CONTRACT_REPORT,
      `${JSON.stringify({ file, checked: t.checked, outsideDocument: t.outsideDocument, oversized: t.oversized })}\n`,
    );
  }
  drain();
});
