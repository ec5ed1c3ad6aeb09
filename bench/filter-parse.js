// Issue 3: parse time of an 8 KB filter and of the worst filter the default limits allow;
// issue 15: time to refuse the hostile filters the tests bound by characters read.

const { parseFilter } = require("../dist/cjs/protocol/filter/parse");
const { FILTER_LIMIT_DEFAULTS } = require("../dist/cjs/values/defaults");
const { timeIt } = require("./util");

function eightKb() {
  const terms = [];
  let text = "";
  for (let i = 0; text.length < 8000; i++) {
    terms.push(`emails.value eq "user-number-${i}@example.com"`);
    text = terms.join(" or ");
  }
  return terms.slice(0, -1).join(" or ");
}

/** As deep as allowed, as many terms as allowed, as long as allowed. */
function worst() {
  const { maxDepth, maxTerms, maxLength } = FILTER_LIMIT_DEFAULTS;
  const depth = Math.min(maxDepth - 1, 30);
  let text = 'userName eq "x"';
  for (let i = 0; i < depth; i++) text = `not (${text})`;
  const term = ' or title co "\\u00e9\\"\\\\"';
  while (text.length + term.length < maxLength && (text.match(/ eq | co /g) || []).length < maxTerms) text += term;
  return text;
}

module.exports = async function filterParse() {
  const rows = [];
  for (const [name, text] of [
    ["parse an 8 KB filter", eightKb()],
    ["parse the worst filter within the limits", worst()],
  ]) {
    parseFilter(text); // warm up, and prove it is accepted
    const s = await timeIt(200, () => parseFilter(text));
    rows.push({
      name: `${name} (${text.length} chars)`,
      value: s.median,
      unit: "ms",
      spread: `p10 ${s.p10.toFixed(3)} .. p90 ${s.p90.toFixed(3)}`,
      target: "< 5 ms",
    });
  }
  // The hostile inputs of __tests__/protocol/filter-parse.test.ts that get past the length check:
  // the tests count the characters read, this times them.
  for (const [name, text] of [
    ["refuse a run of 7,999 backslashes", `a eq "${"\\".repeat(7999)}`],
    ["refuse 3,000 open brackets", "a[".repeat(3000)],
  ]) {
    const s = await timeIt(200, () => {
      try {
        parseFilter(text);
      } catch {
        return;
      }
      throw new Error(`${name}: accepted`);
    });
    rows.push({
      name,
      value: s.median,
      unit: "ms",
      spread: `p10 ${s.p10.toFixed(3)} .. p90 ${s.p90.toFixed(3)}`,
      target: "< 5 ms",
    });
  }
  return rows;
};
