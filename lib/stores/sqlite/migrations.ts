/** SQLite schema, as versioned migrations. Instants are integer milliseconds since the epoch. */
import type { Migration } from "../sql/migrate";
import { emailValues } from "../sql/emails";
import { sqliteDialect } from "./dialect";

const resource = (name: string, key: string) => [
  `CREATE TABLE ${name} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    created INTEGER NOT NULL,
    last_modified INTEGER NOT NULL,
    record TEXT NOT NULL,
    ${key} TEXT,
    ${key}_fold TEXT,
    external_id TEXT,
    display TEXT,
    UNIQUE (tenant, id)
  )`,
  // RFC 7643 4.1.1: userName (and our group displayName) unique and case-insensitive, per tenant.
  `CREATE UNIQUE INDEX ${name}_${key} ON ${name} (tenant, ${key}_fold)`,
  `CREATE INDEX ${name}_external_id ON ${name} (tenant, external_id)`,
];

export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    description: "users, groups, memberships, tokens; extracted key columns and their indexes",
    statements: [
      ...resource("users", "user_name"),
      ...resource("groups", "display_name"),
      `CREATE TABLE memberships (
        tenant TEXT NOT NULL,
        group_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        member_type TEXT NOT NULL CHECK (member_type IN ('User', 'Group')),
        PRIMARY KEY (tenant, group_id, member_id),
        FOREIGN KEY (tenant, group_id) REFERENCES groups (tenant, id) ON DELETE CASCADE
      ) WITHOUT ROWID`,
      `CREATE INDEX memberships_member ON memberships (tenant, member_id)`,
      `CREATE TABLE tokens (
        tenant TEXT NOT NULL,
        id TEXT NOT NULL,
        hash TEXT NOT NULL,
        label TEXT,
        scopes TEXT NOT NULL DEFAULT '[]',
        expires_at INTEGER,
        revoked_at INTEGER,
        created INTEGER NOT NULL,
        PRIMARY KEY (tenant, id)
      )`,
      `CREATE UNIQUE INDEX tokens_hash ON tokens (hash)`,
    ],
  },
  {
    version: 2,
    description: "tokens.hint: the first characters of a secret, to recognise a leaked token",
    statements: [`ALTER TABLE tokens ADD COLUMN hint TEXT NOT NULL DEFAULT ''`],
  },
  {
    version: 3,
    description: "audit: one row per request, newest last",
    statements: [
      `CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, at INTEGER NOT NULL, record TEXT NOT NULL)`,
      `CREATE INDEX audit_tenant ON audit (tenant, seq)`,
    ],
  },
  {
    version: 4,
    description: "userName and displayName folded by the library's one fold: final sigma as sigma",
    // The *_fold columns held toLowerCase(), which keeps "ς" and "σ" apart; lib/values/fold.ts
    // reads both as "σ", as every store now does. scim_lower is that fold (functions.ts).
    statements: [
      `UPDATE users SET user_name_fold = scim_lower(user_name) WHERE user_name_fold IS NOT scim_lower(user_name)`,
      `UPDATE groups SET display_name_fold = scim_lower(display_name) WHERE display_name_fold IS NOT scim_lower(display_name)`,
    ],
  },
  {
    version: 5,
    description: "tokens.rotated_at: a rotated token is not rotated again by mistake",
    statements: [`ALTER TABLE tokens ADD COLUMN rotated_at INTEGER`],
  },
  {
    version: 6,
    description: "request_log: one row per SCIM request, for the console",
    statements: [
      `CREATE TABLE request_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, at INTEGER NOT NULL, tenant TEXT, token_id TEXT, idp TEXT NOT NULL, status INTEGER NOT NULL, resource_id TEXT, entry TEXT NOT NULL)`,
      `CREATE INDEX request_log_at ON request_log (at)`,
      `CREATE INDEX request_log_tenant ON request_log (tenant, seq)`,
      `CREATE INDEX request_log_token ON request_log (token_id, seq)`,
      `CREATE INDEX request_log_resource ON request_log (resource_id, seq)`,
    ],
  },
  {
    version: 7,
    description: "indexes for what identity providers filter and sort on; user_emails for emails.value",
    // The folded keys and externalId already serve sw (a range in byte order, SQLite's default).
    // The sort keys are sqliteDialect's sortKey, which the compiler's ORDER BY repeats. emails.value
    // is many values in JSON, which no index over the row holds: a side table keeps them, filled by
    // triggers in the writing transaction (they call scim_lower, registered by every store).
    get statements() {
      const d = sqliteDialect();
      const fill = (row: string, from = "") => {
        const { value, from: values } = emailValues(d, `${row}.record`);
        return `INSERT OR IGNORE INTO user_emails (tenant, value_fold, user_id) SELECT ${row}.tenant, ${value}, ${row}.id FROM ${from}${values} WHERE ${value} IS NOT NULL`;
      };
      const forget = (row: string) => `DELETE FROM user_emails WHERE tenant = ${row}.tenant AND user_id = ${row}.id`;
      return [
        `CREATE INDEX users_last_modified ON users (tenant, last_modified)`,
        `CREATE INDEX users_user_name_order ON users (tenant, ${d.sortKey("user_name", "user_name_fold")})`,
        `CREATE INDEX groups_display_name_order ON groups (tenant, ${d.sortKey("display_name", "display_name_fold")})`,
        `CREATE TABLE user_emails (
          tenant TEXT NOT NULL,
          value_fold TEXT NOT NULL,
          user_id TEXT NOT NULL,
          PRIMARY KEY (tenant, value_fold, user_id)
        ) WITHOUT ROWID`,
        `CREATE INDEX user_emails_user ON user_emails (tenant, user_id)`,
        `CREATE TRIGGER users_emails_insert AFTER INSERT ON users BEGIN ${fill("NEW")}; END`,
        `CREATE TRIGGER users_emails_update AFTER UPDATE OF tenant, id, record ON users BEGIN ${forget("OLD")}; ${fill("NEW")}; END`,
        `CREATE TRIGGER users_emails_delete AFTER DELETE ON users BEGIN ${forget("OLD")}; END`,
        fill("users", "users, "),
        "ANALYZE",
      ];
    },
  },
  {
    version: 8,
    description: "the outbox: events (the feed), per-tenant event counters, deliveries per sink",
    statements: [
      `CREATE TABLE events (
        pos INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        tenant TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        actor TEXT,
        time INTEGER NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (tenant, seq)
      )`,
      `CREATE INDEX events_time ON events (time)`,
      `CREATE TABLE event_counters (tenant TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID`,
      `CREATE TABLE deliveries (
        sink TEXT NOT NULL,
        pos INTEGER NOT NULL,
        resource TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'dead')),
        attempts INTEGER NOT NULL,
        since INTEGER NOT NULL,
        next_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        last_error TEXT,
        PRIMARY KEY (sink, pos)
      ) WITHOUT ROWID`,
      `CREATE INDEX deliveries_pending ON deliveries (sink, resource, pos) WHERE state = 'pending'`,
      `CREATE INDEX deliveries_due ON deliveries (sink, pos) WHERE state = 'pending'`,
      `CREATE INDEX deliveries_pos ON deliveries (pos)`,
    ],
  },
  {
    version: 9,
    description:
      "tenant_counts: users and groups per tenant, kept by triggers, for totalResults without COUNT(*); (tenant, seq) indexes for unsorted pages",
    // An unfiltered list's totalResults is one row read instead of a COUNT(*) over the tenant
    // (51 ms at 1M users). The triggers run in the writing transaction, so a count is never out of step.
    // An unsorted page (index or cursor) is in insertion order, seq: without an index on
    // (tenant, seq), SQLite read the whole tenant through (tenant, id) and sorted it (36 ms a
    // page at 100,000 users); with it, it reads the page's rows.
    get statements() {
      const column = { users: "user_count", groups: "group_count" } as const;
      const bump = (table: "users" | "groups", row: string, delta: string) =>
        `INSERT INTO tenant_counts (tenant, ${column[table]}) VALUES (${row}.tenant, ${delta}) ON CONFLICT (tenant) DO UPDATE SET ${column[table]} = ${column[table]} + ${delta}`;
      const triggers = (table: "users" | "groups") => [
        `CREATE TRIGGER ${table}_count_insert AFTER INSERT ON ${table} BEGIN ${bump(table, "NEW", "1")}; END`,
        `CREATE TRIGGER ${table}_count_delete AFTER DELETE ON ${table} BEGIN ${bump(table, "OLD", "-1")}; END`,
      ];
      return [
        `CREATE TABLE tenant_counts (
          tenant TEXT PRIMARY KEY,
          user_count INTEGER NOT NULL DEFAULT 0,
          group_count INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID`,
        ...triggers("users"),
        ...triggers("groups"),
        `INSERT INTO tenant_counts (tenant, user_count, group_count)
          SELECT tenant, sum(u), sum(g) FROM (
            SELECT tenant, 1 AS u, 0 AS g FROM users UNION ALL SELECT tenant, 0, 1 FROM groups
          ) GROUP BY tenant`,
        "CREATE INDEX users_seq ON users (tenant, seq)",
        "CREATE INDEX groups_seq ON groups (tenant, seq)",
        "ANALYZE",
      ];
    },
  },
  {
    version: 10,
    description: "events without AUTOINCREMENT and without the index on time: fewer pages written per event",
    // Each event wrote four b-trees and the sqlite_sequence row; every page a write touches is a
    // WAL frame, and more frames mean more checkpoints. Positions are still never handed out
    // twice to live rows (a new row takes the largest position + 1), which is all claims and
    // deliveries need; prune walks positions from the oldest instead of an index on time.
    statements: [
      `CREATE TABLE events_10 (
        pos INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        tenant TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        actor TEXT,
        time INTEGER NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (tenant, seq)
      )`,
      "INSERT INTO events_10 (pos, id, tenant, seq, type, resource_type, resource_id, actor, time, data) SELECT pos, id, tenant, seq, type, resource_type, resource_id, actor, time, data FROM events",
      "DROP TABLE events",
      "ALTER TABLE events_10 RENAME TO events",
    ],
  },
  {
    version: 11,
    description: "tokens.profile: the client profile an issued token's requests are read with",
    statements: ["ALTER TABLE tokens ADD COLUMN profile TEXT"],
  },
];
