/** The named ScimError constructors a store author uses: the statuses, scimTypes and headers a client sees. */
import { ScimError, conflict, preconditionFailed, resourceNotFound, unavailable, unknownMembers } from "../../lib";

test("a store's clash, stale version and unknown id read like the built-in stores'", () => {
  expect(conflict("userName")).toMatchObject({
    status: 409,
    scimType: "uniqueness",
    detail: "userName is already taken.",
  });
  expect(preconditionFailed()).toMatchObject({
    status: 412,
    detail: "The resource has changed since the version given in If-Match.",
  });
  const missing = resourceNotFound("x".repeat(200));
  expect(missing).toBeInstanceOf(ScimError);
  expect(missing.status).toBe(404);
  expect(missing.detail.length).toBeLessThan(100);
});

test("unknownMembers names the first five ids and counts the rest", () => {
  const error = unknownMembers(["a", "b", "c", "d", "e", "f", "g"]);
  expect(error).toMatchObject({
    status: 400,
    scimType: "invalidValue",
    detail: "Unknown member ids: a, b, c, d, e and 2 more.",
  });
});

test("unavailable is a 503 that tells the client when to retry", () => {
  expect(unavailable("The database is busy; retry later.", 2)).toMatchObject({
    status: 503,
    headers: { "Retry-After": "2" },
  });
});
