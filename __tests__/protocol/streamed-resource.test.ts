import { ScimError } from "../../lib/protocol/errors";
import { memberCursor, parseMemberPaging } from "../../lib/protocol/member-page";
import { resourceJson } from "../../lib/protocol/streamed-resource";

async function* chunksOf(...chunks: unknown[][]): AsyncGenerator<unknown[]> {
  for (const chunk of chunks) yield chunk;
}

async function text(pieces: AsyncIterable<string>): Promise<{ text: string; pieces: number }> {
  let out = "";
  let n = 0;
  for await (const piece of pieces) {
    out += piece;
    n++;
  }
  return { text: out, pieces: n };
}

describe("resourceJson", () => {
  const base = (extra: Record<string, unknown> = {}) => ({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    id: "g1",
    displayName: 'Quoted "members":"x" and \u0000 in a name',
    members: [],
    "urn:example:ext": { members: ["not", "streamed"] },
    meta: { version: 'W/"3"' },
    ...extra,
  });

  test.each([
    ["no chunk", []],
    ["empty chunks only", [[], []]],
    ["one chunk", [[{ value: "a" }, { value: "b" }]]],
    ["several chunks, some empty", [[{ value: "a" }], [], [{ value: "b", display: 'x"y' }, { value: "c" }]]],
  ])("%s: byte for byte JSON.stringify of the whole resource", async (_name, chunks) => {
    const all = chunks.flat();
    const { text: out } = await text(resourceJson(base(), "members", chunksOf(...chunks)));
    expect(out).toBe(JSON.stringify(base({ members: all })));
  });

  test("one piece per non-empty chunk, plus the closing piece", async () => {
    const { pieces } = await text(resourceJson(base(), "members", chunksOf([1], [2], [3])));
    expect(pieces).toBe(4);
  });

  test("nothing is yielded before the first chunk: a failing first read is an ordinary error", async () => {
    const failing: AsyncIterable<unknown[]> = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error("store down")) }),
    };
    const iterator = resourceJson(base(), "members", failing);
    await expect(iterator.next()).rejects.toThrow("store down");
  });
});

describe("parseMemberPaging", () => {
  const bad = (count: unknown, cursor: unknown) => {
    try {
      parseMemberPaging(count, cursor, 100);
    } catch (error) {
      return error instanceof ScimError ? `${error.status} ${error.scimType}` : String(error);
    }
    return "accepted";
  };

  test("absent parameters read the whole list", () => {
    expect(parseMemberPaging(undefined, undefined, 100)).toBeUndefined();
    // As for `count` on lists, an empty value is no value.
    expect(parseMemberPaging("", undefined, 100)).toBeUndefined();
  });

  test("the count is cut to the maximum and read as at least 1; a cursor alone pages by the maximum", () => {
    expect(parseMemberPaging("500", undefined, 100)).toEqual({ count: 100 });
    expect(parseMemberPaging("-3", undefined, 100)).toEqual({ count: 1 });
    expect(parseMemberPaging(" 7 ", undefined, 100)).toEqual({ count: 7 });
    expect(parseMemberPaging(undefined, memberCursor("user-9"), 100)).toEqual({ count: 100, after: "user-9" });
  });

  test("a cursor round-trips any member id", () => {
    for (const id of ["8f1e-…", "a/b?c=d&e", "ünïcödé", "x".repeat(300)]) {
      expect(parseMemberPaging("5", memberCursor(id), 100)).toEqual({ count: 5, after: id });
    }
  });

  test.each([
    ["ten", undefined],
    ["1.5", undefined],
    ["5", ""],
    ["5", "%%"],
    ["5", "dXNlcg=="],
    ["5", "dXNlcg!"],
  ])("count %j, cursor %j: 400 invalidValue", (count, cursor) => {
    expect(bad(count, cursor)).toBe("400 invalidValue");
  });
});
