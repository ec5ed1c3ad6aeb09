/**
 * Bound parameters for one statement. Every value that reaches SQL from a request (literals,
 * ids, tenants, and the keys of attribute paths) goes through `add`, which returns a
 * placeholder; nothing a client sends is ever spliced into SQL text.
 */
export type ParamStyle = "numbered" | "named";

export class Params {
  readonly values: unknown[] = [];
  constructor(readonly style: ParamStyle) {}

  /** `$n` for pg; `@pn` for better-sqlite3 (named, so fragments may be assembled in any order). */
  add(value: unknown): string {
    this.values.push(value);
    return this.style === "numbered" ? `$${this.values.length}` : `@p${this.values.length}`;
  }

  /** What the driver binds: an array for pg, an object of names for better-sqlite3. */
  bind(): unknown[] | Record<string, unknown> {
    if (this.style === "numbered") return this.values;
    const named: Record<string, unknown> = {};
    for (const [i, v] of this.values.entries()) named[`p${i + 1}`] = v;
    return named;
  }
}
