/** RFC 9110 10.1.5 at the edge: the one tolerance read from HTTP itself (docs/clients.md). */
import type { Request } from "express";
import { notTolerated } from "../protocol/errors";
import { tolerates, type ResolvedProfile } from "../profiles";

/** A user agent SHOULD send User-Agent; OneLogin sends it empty, which strict mode refuses. */
export function checkUserAgent(req: Request, profile: ResolvedProfile | undefined): void {
  if ((req.get("user-agent") ?? "").trim() !== "" || tolerates(profile?.tolerances, "noUserAgent")) return;
  throw notTolerated(undefined, "The request carries no User-Agent header (RFC 9110 10.1.5).", "noUserAgent");
}
