/**
 * `GET /Events?after=<seq>&count=<n>`: the tenant's events after a cursor, for hosts that prefer
 * to pull (docs/events.md). Opt-in (`delivery.feed`), and only for tokens with `get:events`,
 * which no identity provider preset grants.
 */
import type { Router } from "express";
import { FEED_SCOPE } from "../auth/scopes";
import type { ScimEvents } from "../delivery/handle";
import { invalidValue } from "../protocol/errors";
import { EVENT_DEFAULTS } from "../values/defaults";
import { send } from "./respond";
import { mount, type RouteFactory } from "./route";

const wholeNumber = (value: unknown, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^\d{1,15}$/.test(value))
    throw invalidValue(`${name} must be a whole number (0 or more).`);
  return Number(value);
};

export function mountFeedRoutes(router: Router, route: RouteFactory, events: ScimEvents): void {
  mount(router, route, "/Events", {
    get: {
      scope: FEED_SCOPE,
      handle: async (req, res, ctx) => {
        const after = wholeNumber(req.query.after, "after", 0);
        const count = Math.min(
          wholeNumber(req.query.count, "count", EVENT_DEFAULTS.feedCount),
          EVENT_DEFAULTS.feedMaxCount,
        );
        const list = count === 0 ? [] : await events.read(ctx.tenant, after, count);
        // `next` is the cursor to pass as `after` next time: the last seq read, or `after` again.
        send(res, 200, { events: list, next: list.length > 0 ? list[list.length - 1]!.seq : after });
      },
    },
  });
}
