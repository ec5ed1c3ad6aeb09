/**
 * Replay of Microsoft Entra ID's documented provisioning requests (clients.md, Entra), against a
 * real listening server. Every request carries `?aadOptscim062020`, as Entra's do once the flag
 * is set; ops arrive in both Entra dialects (`Replace` and `replace`), booleans as strings.
 */
import { randomUUID } from "node:crypto";
import type { StepResult } from "../../lib/cli/check/run";
import { ENTRA_FLAG } from "../../lib/cli/check/sequences/entra-bodies";
import { entraGroups } from "../../lib/cli/check/sequences/entra-groups";
import { entraPatch } from "../../lib/cli/check/sequences/entra-patch";
import { entraUsers } from "../../lib/cli/check/sequences/entra-users";
import { everyStep, replaySteps } from "./replay-steps";
import { expectList, filterQuery, liveServer, type LiveServer } from "./app";
import { ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA, expectScimError } from "../helpers/fixtures";

const FLAG = ENTRA_FLAG;

let server: LiveServer;
beforeAll(async () => {
  server = await liveServer({ profile: "entra" });
});
afterAll(() => server.close());

/** Entra prefers 204 to a group PATCH (clients.md); this library answers it, the check accepts 200 too. */
const all204 = ({ exchanges }: StepResult) => {
  const patches = exchanges.filter((x) => x.request.method === "PATCH");
  expect(patches.map((x) => [x.status, x.text])).toEqual(patches.map(() => [204, ""]));
};

/**
 * Entra's recorded sequences, as `express-scim check` replays them (lib/cli/check/sequences/entra-*.ts),
 * with this library's exact answers as extras.
 */
describe("Entra: test connection, matching and user lifecycle", () => {
  replaySteps(
    entraUsers,
    () => server,
    everyStep(entraUsers, {
      5: ({ exchanges: [x] }) => {
        expect(x!.body.roles).toBeUndefined();
      },
      10: ({ exchanges: [x] }) => {
        expect(x!.text).toBe("");
      },
    }),
  );
});

describe("Entra: PATCH dialects", () => {
  replaySteps(
    entraPatch,
    () => server,
    everyStep(entraPatch, {
      2: ({ exchanges }) => {
        expect(exchanges.at(-1)!.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
      },
      8: ({ exchanges }) => {
        expect(exchanges.at(-1)!.status).toBe(204);
      },
    }),
  );
});

describe("Entra: groups", () => {
  replaySteps(
    entraGroups,
    () => server,
    everyStep(entraGroups, {
      2: ({ exchanges: [x] }) => {
        expect(x!.body.schemas).toEqual([GROUP_SCHEMA]);
      },
      4: all204,
      5: all204,
      6: all204,
      7: all204,
      10: ({ exchanges: [x] }) => {
        expect(x!.text).toBe("");
      },
    }),
  );
});

describe("Entra: throughput and back-off", () => {
  test("the default limits take Entra's 25 requests/s for a whole window (250 at once) without a 429", async () => {
    const fresh = await liveServer();
    try {
      const answers = await Promise.all(
        Array.from({ length: 250 }, () =>
          fresh.call("GET", `/Users?${FLAG}&${filterQuery(`userName eq "${randomUUID()}"`)}`),
        ),
      );
      expect(answers.filter((x) => x.status !== 200).map((x) => x.status)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  test("over the limit: 429 in the SCIM format with Retry-After; after waiting, the retry succeeds", async () => {
    // Only the clock is fake, so the four requests share one window however slow the machine,
    // and "waiting" is moving the clock; sockets and timers stay real.
    jest.useFakeTimers({
      doNotFake: [
        "hrtime",
        "nextTick",
        "performance",
        "queueMicrotask",
        "setImmediate",
        "clearImmediate",
        "setInterval",
        "clearInterval",
        "setTimeout",
        "clearTimeout",
      ],
    });
    const tight = await liveServer({ rateLimit: { windowMs: 1000, perTenant: 3 } });
    try {
      for (let i = 0; i < 3; i++) expectList(await tight.call("GET", `/Users?${FLAG}`));
      const refused = await tight.call("GET", `/Users?${FLAG}`);
      expectScimError(refused, 429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(1);
      jest.setSystemTime(Date.now() + retryAfter * 1000);
      expectList(await tight.call("GET", `/Users?${FLAG}`));
    } finally {
      jest.useRealTimers();
      await tight.close();
    }
  });
});
