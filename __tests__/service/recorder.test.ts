/**
 * What the outbox records of a write's views: sensitive attributes are gone from the event,
 * and the views the write goes on using (its listeners' payloads, the audit) keep them.
 */
import { Recorder } from "../../lib/service/recorder";
import type { ServiceContext } from "../../lib/service/context";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const ctx = {
  tenant: "default",
  baseUrl: "http://localhost/scim/v2",
  principal: { scopes: [], label: "okta" },
  report: { events: [] },
} as unknown as ServiceContext;

const recorder = (redact: string[]) =>
  new Recorder(ctx, "User", { sinks: [], redact, clock: () => Date.parse("2026-12-02T06:00:00Z") });

const adaView = () => ({
  id: "u1",
  userName: "ada@example.com",
  password: "Sup3rS3cret!",
  title: "CTO",
  emails: [
    { value: "ada@example.com", type: "work", display: "Ada at work" },
    { value: "ada@home.example", type: "home" },
  ],
  [ENTERPRISE]: { employeeNumber: "E-1", department: "R&D" },
  meta: { version: 'W/"1"' },
});

describe("Recorder", () => {
  test("redacts password, URN-qualified and multi-valued sub-attributes (any case) in the event, never in the views", () => {
    const rec = recorder([`${ENTERPRISE}:EMPLOYEENUMBER`, "Emails.Display", "title"]);
    const old = adaView();
    const now = { ...adaView(), title: "CEO", [ENTERPRISE]: { employeeNumber: "E-2", department: "Ops" } };
    const untouched = [structuredClone(old), structuredClone(now)];
    rec.resource("user.updated", { id: "u1", resource: now, changed: ["title"] }, { before: old, after: now });

    const [event] = rec.envelopes;
    const text = JSON.stringify(event);
    for (const secret of ["Sup3rS3cret!", "CTO", "CEO", "E-1", "E-2", "Ada at work"])
      expect(text).not.toContain(secret);
    expect(event!.data.resource).toEqual({
      id: "u1",
      userName: "ada@example.com",
      emails: [
        { value: "ada@example.com", type: "work" },
        { value: "ada@home.example", type: "home" },
      ],
      [ENTERPRISE]: { department: "Ops" },
      meta: { version: 'W/"1"' },
    });
    expect(event!.data.patch).toEqual([{ op: "replace", path: `/${ENTERPRISE}/department`, value: "Ops" }]);
    expect([old, now]).toEqual(untouched);
    expect(rec.events[0]).toMatchObject({ resource: { title: "CEO", password: "Sup3rS3cret!" } });
  });

  test("a view with nothing to redact is recorded whole, and ids follow the recorder's clock", () => {
    const rec = recorder(["nickName"]);
    const { password: _password, ...plain } = adaView();
    rec.resource("user.created", { id: "u1", resource: plain }, { after: plain });
    rec.resource("user.updated", { id: "u1", resource: plain, changed: [] }, { after: plain });
    const [first, second] = rec.envelopes;
    expect(first!.data.resource).toEqual(plain);
    expect(first!.time).toBe("2026-12-02T06:00:00.000Z");
    // RFC 9562 version 7: the first 48 bits are the time in milliseconds, so ids sort by time.
    for (const e of [first!, second!]) {
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(e.id.replace(/-/g, "").slice(0, 12), 16)).toBe(Date.parse("2026-12-02T06:00:00Z"));
    }
    expect(first!.id).not.toBe(second!.id);
  });
});
