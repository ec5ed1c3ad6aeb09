import { listPage, listPageJson, listResponse } from "../../lib/protocol/list";

async function* each<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function pieces<T>(total: number, startIndex: number, items: T[]): Promise<string[]> {
  const out = [];
  for await (const piece of listPageJson(listPage(total, { startIndex, count: 100 }, items.length, each(items))))
    out.push(piece);
  return out;
}

describe("listPageJson", () => {
  test.each<[string, number, number, Record<string, unknown>[]]>([
    ["empty", 0, 1, []],
    ["one", 1, 1, [{ id: "a", displayName: "A" }]],
    [
      "several, later page",
      250,
      101,
      [{ id: "a" }, { id: "b", members: [{ value: "x" }] }, { id: "c", note: 'quote " and ] }' }],
    ],
  ])("%s: the pieces join to exactly JSON.stringify(listResponse(...))", async (_name, total, startIndex, items) => {
    const joined = (await pieces(total, startIndex, items)).join("");
    expect(joined).toBe(JSON.stringify(listResponse(total, { startIndex, count: 100 }, items)));
  });

  test("one piece per resource, the first carrying the envelope, so a failing first resource precedes any output", async () => {
    const out = await pieces(3, 1, [{ id: "a" }, { id: "b" }, { id: "c" }]);
    expect(out).toHaveLength(4);
    expect(out[0]).toMatch(/^\{"schemas":.*"Resources":\[\{"id":"a"\}$/);
    expect(out.slice(1)).toEqual([',{"id":"b"}', ',{"id":"c"}', "]}"]);
  });
});
