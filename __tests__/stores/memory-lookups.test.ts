/**
 * The memory store's lookup indexes, counted (never timed): the identity matches Entra and
 * OneLogin send on every sync read the matching user, not every user, and the index follows
 * the user through a change of address and a delete.
 */
import { memoryStore } from "../../lib";
import { inspectMemoryStore } from "../../lib/stores/memory";
import { oktaUser, patchBody } from "../helpers/fixtures";
import { host } from "../http/app";

const USERS = 2_000;

describe("memory store: e-mail identity matches", () => {
  const store = memoryStore();
  const h = host({ store });
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < USERS; i++) {
      const user = {
        ...oktaUser(`user${i}@example.com`),
        emails: [
          { value: `u${i}@work.example`, type: "work", primary: true },
          { value: `u${i}@home.example`, type: "home" },
        ],
      };
      ids.push((await store.users.create({ tenant: "default" }, user)).id);
    }
  });

  /** The ids a filter finds, and how many users the store read to find them. */
  const find = async (filter: string) => {
    const before = inspectMemoryStore(store).reads;
    const res = await h.get(`/Users?filter=${encodeURIComponent(filter)}`).expect(200);
    const found = (res.body.Resources ?? []) as { id: string }[];
    return { ids: found.map((r) => r.id), reads: inspectMemoryStore(store).reads - before };
  };

  test.each([
    ["OneLogin's emails.value eq", 'emails.value eq "u42@home.example"'],
    ['Entra\'s emails[type eq "work"].value eq', 'emails[type eq "work"].value eq "u42@work.example"'],
    ["any case", 'EMAILS.VALUE eq "U42@Work.Example"'],
  ])("%s reads the one user it finds", async (_name, filter) => {
    expect(await find(filter)).toEqual({ ids: [ids[42]], reads: 1 });
  });

  test("the element's other conditions still hold: a home address is no work address", async () => {
    expect((await find('emails[type eq "work"].value eq "u42@home.example"')).ids).toEqual([]);
  });

  test("the index follows a changed address and a deleted user", async () => {
    await h
      .patch(
        `/Users/${ids[7]}`,
        patchBody({ op: "replace", path: "emails", value: [{ value: "new7@work.example", type: "work" }] }),
      )
      .expect(200);
    expect(await find('emails.value eq "u7@work.example"')).toEqual({ ids: [], reads: 0 });
    expect(await find('emails.value eq "new7@work.example"')).toEqual({ ids: [ids[7]], reads: 1 });
    await h.delete(`/Users/${ids[7]}`).expect(204);
    expect(await find('emails.value eq "new7@work.example"')).toEqual({ ids: [], reads: 0 });
  });
});
