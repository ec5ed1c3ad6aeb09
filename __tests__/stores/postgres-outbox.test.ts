/**
 * LISTEN/NOTIFY across instances (issue 18): a write on one router wakes another router's
 * delivery loop on the same PostgreSQL schema at once, with no poll to wait for (its safety poll
 * is an hour). The writing instance's own loop is stopped, so only the other can deliver.
 */
import express from "express";
import request from "supertest";
import { ALL_SCOPES, scim, type ScimEvent } from "../../lib";
import { oktaUser, TOKEN } from "../helpers/fixtures";
import { describePostgres, testSchema } from "./postgres-helpers";

describePostgres("the outbox on PostgreSQL: NOTIFY wakes other instances", () => {
  const db = testSchema("scim_notify");
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());

  test("an event written by one instance is delivered by another, woken by NOTIFY", async () => {
    const heard: { by: string; event: ScimEvent }[] = [];
    // Resolves at the first delivery: no polling, and jest's timeout is the only deadline.
    let firstHeard!: () => void;
    const someoneHeard = new Promise<void>((resolve) => (firstHeard = resolve));
    const instance = (by: string) =>
      scim({
        store: db.store(),
        tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }],
        // Every instance configures the same sinks: a write queues deliveries for its own instance's sinks.
        events: {
          "user.created": (event) => {
            heard.push({ by, event });
            firstHeard();
          },
        },
        delivery: { pollMs: 3_600_000 },
      });
    const writer = instance("writer");
    const other = instance("other");
    await writer.events!.stop();
    const app = express().use("/scim/v2", writer);
    // The other instance is listening once its first (empty) round has run.
    await other.events!.idle();
    const res = await request(app)
      .post("/scim/v2/Users")
      .set("Authorization", `Bearer ${TOKEN}`)
      .set("Content-Type", "application/scim+json")
      .send(JSON.stringify(oktaUser("notified@example.com")))
      .expect(201);
    await someoneHeard;
    expect(heard.map((h) => [h.by, h.event.type, h.event.id])).toEqual([["other", "user.created", res.body.id]]);
    await other.events!.stop();
  }, 60_000);
});
