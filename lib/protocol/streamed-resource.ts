/**
 * One resource as JSON text in pieces, its one large multi-valued attribute (a group's 200,000
 * members) produced a chunk at a time: memory holds the resource's other attributes and one
 * chunk, never the whole body, and the text is byte for byte what JSON.stringify gives for the
 * whole resource.
 */

/** Stands for the streamed attribute while the rest is stringified; escaped (`\u0000`), so no value can forge it. */
const HOLE = "\u0000streamed\u0000";

/**
 * `resource` holds `key` (any value, replaced) at the place the elements go; `chunks` yields
 * the elements, already projected. The first piece waits for the first chunk, so a store that
 * fails at once still gets an ordinary error response (lib/http/respond.ts sendPieces).
 */
export async function* resourceJson(
  resource: Record<string, unknown>,
  key: string,
  chunks: AsyncIterable<readonly unknown[]>,
): AsyncGenerator<string> {
  const text = JSON.stringify(resource, function (this: unknown, name: string, value: unknown) {
    return this === resource && name === key ? HOLE : value;
  });
  // Top-level keys before `key` hold no unescaped quote-colon-quote run, so the first match is the hole.
  const hole = `${JSON.stringify(key)}:${JSON.stringify(HOLE)}`;
  const at = text.indexOf(hole);
  if (at < 0) throw new TypeError(`resourceJson: the resource has no "${key}" to stream into.`);
  let prefix = `${text.slice(0, at + JSON.stringify(key).length + 1)}[`;
  let first = true;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    const elements = chunk.map((element) => JSON.stringify(element)).join(",");
    yield `${prefix}${first ? "" : ","}${elements}`;
    prefix = "";
    first = false;
  }
  yield `${prefix}]${text.slice(at + hole.length)}`;
}
