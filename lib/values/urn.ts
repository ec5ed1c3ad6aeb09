/**
 * How a name is read as `[URI ":"] rest`, decided once: attribute paths in filters, PATCH paths,
 * `sortBy`, `attributes` lists and the keys of a resource body (Entra writes URN-qualified keys in
 * pathless PATCH values) all split here.
 *
 * RFC 7644 3.10: a name starting with `urn:` (any case) carries its schema URI up to the LAST
 * colon, since attribute names never contain ':'. The URI keeps the client's spelling.
 */

/** True when `text` starts with the `urn:` scheme, in any case (RFC 8141 2). */
export function isUrn(text: string): boolean {
  return text.slice(0, 4).toLowerCase() === "urn:";
}

/**
 * `urn:...:enterprise:2.0:User:manager.value` -> `{ uri: "urn:...:enterprise:2.0:User", rest: "manager.value" }`.
 * Text that is no URN comes back whole as `rest`. A URN with nothing after its scheme (`urn:x`)
 * has no URI before its last colon: `uri` is then "urn".
 */
export function splitUrn(text: string): { uri?: string; rest: string } {
  if (!isUrn(text)) return { rest: text };
  const last = text.lastIndexOf(":");
  return { uri: text.slice(0, last), rest: text.slice(last + 1) };
}
