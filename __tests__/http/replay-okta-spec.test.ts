/**
 * Replay of Okta's "SCIM 2.0 SPEC Test" (clients.md, Okta) against a real listening server. The
 * steps and what Okta checks in each are the shipped sequence `express-scim check` replays
 * (lib/cli/check/sequences/okta-spec.ts); here they run on a fresh store, so the extras below
 * also hold this library to exact totals and to the seeded user coming first.
 */
import { oktaSpec } from "../../lib/cli/check/sequences/okta-spec";
import { LIST_SCHEMA } from "../helpers/fixtures";
import { expectList, liveServer, type LiveServer } from "./app";
import { replaySteps } from "./replay-steps";

describe("Okta SCIM 2.0 SPEC Test, replayed", () => {
  let server: LiveServer;
  beforeAll(async () => {
    server = await liveServer({ profile: "okta" });
  });
  afterAll(() => server.close());

  replaySteps(oktaSpec, () => server, {
    3: ({ exchanges: [x] }, saved) => {
      expectList(x!, 1);
      expect(x!.body.Resources[0]).toMatchObject({
        id: saved.seededId,
        userName: saved.seededName,
        name: { givenName: "Seed", familyName: "User" },
        active: true,
        emails: [expect.objectContaining({ value: saved.seededName })],
      });
    },
    4: ({ exchanges: [x] }) => {
      expect(x!.body).toEqual({
        schemas: [LIST_SCHEMA],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    },
    6: ({ exchanges: [x] }, saved) => {
      expect(x!.body.Resources[0].id).toBe(saved.seededId);
    },
    7: ({ exchanges: [x] }) => {
      // An ETag on every resource answer here (the shipped check only compares one when sent).
      expect(x!.headers.get("etag")).toBe(x!.body.meta.version);
    },
    9: ({ exchanges: [x] }) => {
      expect(x!.body.groups).toEqual([]);
      expect(x!.body.password).toBeUndefined();
    },
    12: async () => {
      expectList(await server.call("GET", "/Users?startIndex=1&count=100"), 2);
    },
    16: async (_, saved) => {
      // On a fresh store: every page of one, until totalResults, covers both users exactly once.
      const ids: string[] = [];
      for (let start = 1; ; start++) {
        const x = await server.call("GET", `/Users?startIndex=${start}&count=1`);
        expectList(x, 2);
        expect(x.body.startIndex).toBe(start);
        ids.push(...x.body.Resources.map((u: { id: string }) => u.id));
        if (start >= x.body.totalResults) break;
      }
      expect(ids.sort()).toEqual([saved.createdId, saved.seededId].sort());
    },
    17: ({ exchanges: [types] }) => {
      expectList(types!, 2);
      expect(types!.body.Resources.map((r: { name: string }) => r.name).sort()).toEqual(["Group", "User"]);
    },
  });
});
