/** `limits` set by the host apply everywhere their subject appears, not only where it is most common. */
import { DEFAULT_LIMITS } from "../../lib";
import { createGroup, createUser, host } from "./app";
import { PATCH_OP, expectScimError } from "../helpers/fixtures";

describe("limits.filter applies to PATCH paths as well as filters", () => {
  const h = host({ limits: { filter: { maxLength: 64, maxTerms: 2 } } });
  const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
  const threeTerms = 'emails[type eq "a" or type eq "b" or type eq "c"].value';

  test("a path longer than limits.filter.maxLength is 400 invalidPath", async () => {
    const id = await createUser(h, "limits1@example.com");
    const path = `emails[value eq "${"a".repeat(80)}@example.com"].display`;
    const res = await h.patch(`/Users/${id}`, patch({ op: "replace", path, value: "x" }));
    expectScimError(res, 400, "invalidPath");
    expect(res.body.detail).toContain("the limit is 64");
  });

  test("a path with more terms than limits.filter.maxTerms is 400 invalidPath", async () => {
    const id = await createUser(h, "limits2@example.com");
    expectScimError(
      await h.patch(`/Users/${id}`, patch({ op: "replace", path: threeTerms, value: "x" })),
      400,
      "invalidPath",
    );
    const gid = await createGroup(h, "limits group");
    const members = 'members[value eq "a" or value eq "b" or value eq "c"]';
    expectScimError(await h.patch(`/Groups/${gid}`, patch({ op: "remove", path: members })), 400, "invalidPath");
  });

  test("so is a key of a pathless value that is a path", async () => {
    const id = await createUser(h, "limits3@example.com");
    expectScimError(
      await h.patch(`/Users/${id}`, patch({ op: "add", value: { [threeTerms]: "x" } })),
      400,
      "invalidPath",
    );
  });

  test("the same filter on a list is refused the same way", async () => {
    expectScimError(
      await h.get(`/Users?filter=${encodeURIComponent('userName eq "a" or userName eq "b" or userName eq "c"')}`),
      400,
      "invalidFilter",
    );
  });
});

describe("DEFAULT_LIMITS", () => {
  // Exported so hosts can read them; a host that wrote to them changed every router built afterwards.
  test("is frozen: writing to it throws, and a router built afterwards keeps the defaults", async () => {
    const limits = DEFAULT_LIMITS as { maxCount: number; filter: { maxTerms: number } };
    expect(() => {
      limits.filter.maxTerms = 1;
    }).toThrow(TypeError);
    expect(() => {
      limits.maxCount = 1;
    }).toThrow(TypeError);
    const h = host();
    const res = await h.get(`/Users?filter=${encodeURIComponent('userName eq "a" or userName eq "b"')}`);
    expect(res.status).toBe(200);
    expect(DEFAULT_LIMITS.filter.maxTerms).toBe(256);
  });
});
