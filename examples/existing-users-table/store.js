// @ts-check
/**
 * A custom express-scim store over the host app's own tables (schema.sql): `app_users`,
 * `app_teams` and `app_team_members`, with the app's column names. The mapping (mapping.js)
 * turns SCIM resources into records whose keys are those column names; this store writes each
 * key to its column, and keeps any key without a column in the `extra` jsonb column.
 *
 * What the database does, so that several app instances can share it:
 * - uniqueness: the unique index on (tenant, lower(login)); a clash is 409 `uniqueness`;
 * - If-Match: the version check is in the UPDATE's WHERE, and a miss is explained afterwards;
 * - members: adding or removing is ONE statement that bumps the team's version (locking its
 *   row), checks that every user exists in the tenant, and inserts or deletes membership rows.
 *   A team's member list is never read to change it.
 */

const fs = require("node:fs");
const path = require("node:path");
const { randomUUID } = require("node:crypto");
const { ScimError } = require("express-scim");
const { compileFilter, compileOrder, Params, UUID } = require("./filter");

/** @typedef {import("express-scim").Store} Store */
/** @typedef {import("express-scim").StoreContext} StoreContext */
/** @typedef {import("express-scim").Stored} Stored */
/** @typedef {import("express-scim").Member} Member */
/** @typedef {import("express-scim").AppRecord} AppRecord */
/** @typedef {import("express-scim").Query} Query */
/** @typedef {import("express-scim").UniqueKey} UniqueKey */
/** @typedef {import("./filter").ColumnType} ColumnType */
/** @typedef {import("./filter").TableShape} TableShape */
/** @typedef {{ query: (sql: string, params?: unknown[]) => Promise<{ rows: any[], rowCount: number | null }> }} Queryable */
/** @typedef {Queryable & { connect: () => Promise<Queryable & { release: () => void }> }} PoolLike */

/** The columns SCIM may write, and how they are typed. Anything else in the tables is the app's. */
const USER_COLUMNS = /** @type {const} */ ({
  login: "text",
  first_name: "text",
  last_name: "text",
  full_name: "text",
  display_name: "text",
  email: "text",
  work_phone: "text",
  mobile_phone: "text",
  office: "jsonb",
  job_title: "text",
  locale: "text",
  preferred_language: "text",
  disabled: "boolean",
  idp_subject: "text",
  employee_no: "text",
  department: "text",
  manager_id: "text",
});
const TEAM_COLUMNS = /** @type {const} */ ({ name: "text", idp_group_id: "text" });

/**
 * Creates the schema and the tables if they are missing (an example's convenience: a real app
 * has them already, from its own migrations).
 * @param {PoolLike} pool
 * @param {string} schema
 */
async function createTables(pool, schema) {
  const ddl = fs.readFileSync(path.join(__dirname, "schema.sql"), "utf8");
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Two instances starting at once must not both create the tables.
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`existing-users-table:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    await client.query(`SET LOCAL search_path TO ${ident(schema)}`);
    await client.query(ddl);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * @typedef {object} AppUsersStoreOptions
 * @property {PoolLike} pool  a pg.Pool (left open by the store)
 * @property {string} [schema]  where the app's tables are; default "public"
 * @property {{ users?: Record<string, string>, groups?: Record<string, string> }} [fields]
 *   Record key -> column. By default each column's own name is its key, which is what the
 *   mapping in mapping.js writes. The conformance suite binds its SCIM-named keys instead
 *   (`userName` -> `login`): see __tests__/stores/existing-users-table.test.ts.
 */

/**
 * @param {AppUsersStoreOptions} options
 * @returns {Store}
 */
function appUsersStore(options) {
  const schema = options.schema ?? "public";
  ident(schema);
  const users = tableDef("User", `${ident(schema)}.app_users`, USER_COLUMNS, options.fields?.users, {
    name: "groups",
    table: `${ident(schema)}.app_team_members`,
    self: "user_id",
    other: "team_id",
  });
  const teams = tableDef("Group", `${ident(schema)}.app_teams`, TEAM_COLUMNS, options.fields?.groups, {
    name: "members",
    table: `${ident(schema)}.app_team_members`,
    self: "team_id",
    other: "user_id",
  });
  return build(options.pool, undefined, { users, teams, members: `${ident(schema)}.app_team_members` });
}

/**
 * @typedef {object} TableDef
 * @property {"User" | "Group"} kind
 * @property {string} table
 * @property {Map<string, { column: string, type: ColumnType }>} fields
 * @property {TableShape} shape
 */

/**
 * @param {"User" | "Group"} kind
 * @param {string} table
 * @param {Record<string, ColumnType>} columns
 * @param {Record<string, string> | undefined} binding
 * @param {TableShape["memberships"]} memberships
 * @returns {TableDef}
 */
function tableDef(kind, table, columns, binding, memberships) {
  const fields = new Map();
  const given = binding ?? Object.fromEntries(Object.keys(columns).map((c) => [c, c]));
  for (const [key, column] of Object.entries(given)) {
    if (!Object.hasOwn(columns, column)) {
      throw new TypeError(
        `appUsersStore: fields maps "${key}" to "${column}", which is not one of ${table}'s columns (${Object.keys(columns).join(", ")}).`,
      );
    }
    fields.set(key, { column, type: columns[column] });
  }
  return { kind, table, fields, shape: { alias: "t", fields, memberships } };
}

/**
 * A connection inside a transaction, and a counter for naming savepoints.
 * @typedef {Queryable & { savepoints: number }} Tx
 */

/**
 * The store over one connection source: the pool, or one client inside `transaction()`.
 * @param {PoolLike} pool
 * @param {Tx | undefined} tx
 * @param {{ users: TableDef, teams: TableDef, members: string }} t
 * @returns {Store}
 */
function build(pool, tx, t) {
  /**
   * Statements that land together: a transaction of their own, or a savepoint inside the
   * caller's, so that a failed write (a 409) leaves the caller's transaction usable.
   * @template T
   * @param {(tx: Tx) => Promise<T>} fn
   * @returns {Promise<T>}
   */
  async function atomic(fn) {
    if (tx) {
      const name = `sp${++tx.savepoints}`;
      await tx.query(`SAVEPOINT ${name}`);
      try {
        const result = await fn(tx);
        await tx.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw translate(error);
      }
    }
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn({ query: (sql, params) => client.query(sql, params), savepoints: 0 });
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw translate(error);
    } finally {
      client.release();
    }
  }

  /** One statement: on its own it needs no BEGIN/COMMIT. */
  const statement = (/** @type {string} */ sql, /** @type {unknown[]} */ params) =>
    tx ? atomic((db) => db.query(sql, params)) : pool.query(sql, params).catch((e) => Promise.reject(translate(e)));

  /**
   * Why an UPDATE or DELETE touched no row, decided after the write: 404 when the row is not
   * there (or is another tenant's), else 412 (its version moved on).
   * @param {TableDef} def @param {StoreContext} ctx @param {string} id
   */
  async function missed(def, ctx, id) {
    const { rowCount } = await statement(`SELECT 1 FROM ${def.table} WHERE tenant = $1 AND id = $2`, [ctx.tenant, id]);
    if (rowCount) return new ScimError(412, undefined, `${def.kind} ${id} has changed; read it again.`);
    return new ScimError(404, undefined, `${def.kind} ${id} not found.`);
  }

  /** create, get, query, replace and delete over one table. @returns {import("express-scim").ResourceStore} */
  const resources = (/** @type {TableDef} */ def) => {
    const kind = def.kind;
    const columns = [...def.fields.values()].map((f) => f.column);
    const select = `t.id, t.version, t.created_at, t.updated_at, t.extra${columns.map((c) => `, t.${c}`).join("")}`;

    return {
      /** @param {StoreContext} ctx @param {AppRecord} record */
      async create(ctx, record) {
        const row = toRow(def, record);
        const params = new Params([randomUUID(), ctx.tenant, JSON.stringify(row.extra)]);
        const values = columns.map((c) => `${params.add(row.values[c] ?? null)}${cast(def, c)}`);
        const sql =
          `INSERT INTO ${def.table} AS t (id, tenant, extra${columns.map((c) => `, ${c}`).join("")})` +
          ` VALUES ($1, $2, $3::jsonb${values.map((v) => `, ${v}`).join("")}) RETURNING ${select}`;
        return fromRow(def, (await statement(sql, params.values)).rows[0]);
      },

      /** @param {StoreContext} ctx @param {string} id */
      async get(ctx, id) {
        if (!UUID.test(id)) return null;
        // Inside a transaction the row stays locked until commit, so a read-modify-write (the
        // service's PATCH) waits for the one before it instead of failing its version check.
        const lock = tx ? " FOR UPDATE" : "";
        const { rows } = await statement(
          `SELECT ${select} FROM ${def.table} t WHERE t.tenant = $1 AND t.id = $2${lock}`,
          [ctx.tenant, id],
        );
        return rows[0] ? fromRow(def, rows[0]) : null;
      },

      /** @param {StoreContext} ctx @param {Query} q */
      async query(ctx, q) {
        const params = new Params([ctx.tenant]);
        const where = `t.tenant = $1${q.filter ? ` AND ${compileFilter(q.filter, def.shape, params)}` : ""}`;
        const order = compileOrder(q.sort, def.shape);
        const counted = await statement(
          `SELECT count(*)::int AS total FROM ${def.table} t WHERE ${where}`,
          params.values,
        );
        const total = counted.rows[0].total;
        if (q.count <= 0 || q.startIndex > total) return { total, items: [] };
        const offset = params.add(Math.max(q.startIndex, 1) - 1);
        const limit = params.add(q.count);
        const { rows } = await statement(
          `SELECT ${select} FROM ${def.table} t WHERE ${where} ORDER BY ${order} OFFSET ${offset} LIMIT ${limit}`,
          params.values,
        );
        return { total, items: rows.map((r) => fromRow(def, r)) };
      },

      /** @param {StoreContext} ctx @param {string} id @param {AppRecord} record @param {{ ifVersion?: string }} [opts] */
      async replace(ctx, id, record, opts = {}) {
        if (!UUID.test(id)) throw new ScimError(404, undefined, `${kind} ${id} not found.`);
        const row = toRow(def, record);
        const params = new Params([ctx.tenant, id, versionOf(opts.ifVersion), JSON.stringify(row.extra)]);
        // Every column the store owns is written: a key the record no longer has becomes NULL.
        // Columns the store does not know (password_hash) are left as they are.
        const sets = columns.map((c) => `${c} = ${params.add(row.values[c] ?? null)}${cast(def, c)}`);
        const sql =
          `UPDATE ${def.table} AS t SET extra = $4::jsonb${sets.map((s) => `, ${s}`).join("")},` +
          ` version = t.version + 1, updated_at = clock_timestamp()` +
          ` WHERE t.tenant = $1 AND t.id = $2 AND ($3::int IS NULL OR t.version = $3) RETURNING ${select}`;
        const { rows } = await statement(sql, params.values);
        if (!rows[0]) throw await missed(def, ctx, id);
        return fromRow(def, rows[0]);
      },

      /** @param {StoreContext} ctx @param {string} id @param {{ ifVersion?: string }} [opts] */
      async delete(ctx, id, opts = {}) {
        if (!UUID.test(id)) throw new ScimError(404, undefined, `${kind} ${id} not found.`);
        // Deleting a user also changes the teams it was in: their versions move on with it.
        // (The memberships themselves go by ON DELETE CASCADE.)
        const touchTeams =
          kind === "User"
            ? `, touched AS (UPDATE ${t.teams.table} g SET version = g.version + 1, updated_at = clock_timestamp()` +
              ` FROM ${t.members} m, gone WHERE m.user_id = gone.id AND g.id = m.team_id)`
            : "";
        const sql =
          `WITH gone AS (DELETE FROM ${def.table} WHERE tenant = $1 AND id = $2 AND ($3::int IS NULL OR version = $3) RETURNING id)${touchTeams}` +
          ` SELECT count(*)::int AS deleted FROM gone`;
        const { rows } = await statement(sql, [ctx.tenant, id, versionOf(opts.ifVersion)]);
        if (rows[0].deleted === 0) throw await missed(def, ctx, id);
      },
    };
  };

  const userStore = resources(t.users);
  const teamTable = resources(t.teams);

  /**
   * One statement for every member change. It bumps the team's version (row lock: changes to
   * one team queue up), but only when every added user exists in the team's tenant; then it
   * deletes and inserts membership rows. When no team row was updated, it says why afterwards.
   * @param {StoreContext} ctx
   * @param {string} teamId
   * @param {{ add?: string[], remove?: string[], keepOnly?: string[] }} change
   * @param {{ ifVersion?: string }} opts
   */
  async function changeMembers(ctx, teamId, change, opts) {
    if (!UUID.test(teamId)) throw new ScimError(404, undefined, `Group ${teamId} not found.`);
    const add = change.add ?? [];
    const p = new Params([ctx.tenant, teamId, versionOf(opts.ifVersion), add]);
    const parts = [
      `found AS (SELECT u.id FROM ${t.users.table} u WHERE u.tenant = $1 AND u.id = ANY($4::uuid[]))`,
      `team AS (UPDATE ${t.teams.table} g SET version = g.version + 1, updated_at = clock_timestamp()` +
        ` WHERE g.tenant = $1 AND g.id = $2 AND ($3::int IS NULL OR g.version = $3)` +
        ` AND (SELECT count(*) FROM found) = cardinality($4::uuid[]) RETURNING g.id)`,
    ];
    if (change.remove)
      parts.push(
        `removed AS (DELETE FROM ${t.members} m USING team WHERE m.team_id = team.id AND m.user_id = ANY(${p.add(change.remove)}::uuid[]))`,
      );
    if (change.keepOnly)
      parts.push(
        `removed AS (DELETE FROM ${t.members} m USING team WHERE m.team_id = team.id AND m.user_id <> ALL(${p.add(change.keepOnly)}::uuid[]))`,
      );
    if (add.length)
      parts.push(
        `added AS (INSERT INTO ${t.members} (team_id, user_id) SELECT team.id, found.id FROM team, found ON CONFLICT DO NOTHING)`,
      );
    const sql = `WITH ${parts.join(", ")} SELECT (SELECT count(*) FROM team)::int AS updated, ARRAY(SELECT id::text FROM found) AS found`;
    const { rows } = await statement(sql, p.values);
    if (rows[0].updated === 1) return;
    const missing = add.filter((id) => !rows[0].found.includes(id));
    const error = await missed(t.teams, ctx, teamId);
    // 404 for a missing team comes first; then unknown users; then a stale version.
    if (error.status === 412 && missing.length) throw unknownMembers(missing);
    throw error;
  }

  /** Member ids, once each; an id that is not a uuid can name no user. */
  function userIds(/** @type {Member[]} */ members) {
    const ids = [...new Set(members.map((m) => m.value.toLowerCase()))];
    const bad = ids.filter((id) => !UUID.test(id));
    if (bad.length) throw unknownMembers(bad);
    return ids;
  }

  /** @type {Store["groups"]} */
  const groupStore = {
    get: async (ctx, id, opts) => {
      const stored = await teamTable.get(ctx, id);
      if (!stored || !opts?.members) return stored;
      const { rows } = await statement(
        `SELECT m.user_id::text AS id, COALESCE(NULLIF(u.display_name, ''), u.login) AS display FROM ${t.members} m` +
          ` JOIN ${t.users.table} u ON u.id = m.user_id WHERE m.team_id = $1 ORDER BY m.joined_at, m.user_id`,
        [id],
      );
      return {
        ...stored,
        members: rows.map((r) => ({
          value: r.id,
          type: /** @type {const} */ ("User"),
          ...(r.display ? { display: r.display } : {}),
        })),
      };
    },
    query: teamTable.query,
    delete: teamTable.delete,
    // A team written together with its whole member list (POST, PUT): two steps, one transaction.
    async create(ctx, record, opts) {
      const members = opts?.members ?? [];
      if (members.length === 0) return teamTable.create(ctx, record);
      userIds(members);
      return atomic(async (db) => {
        const inner = build(pool, db, t).groups;
        const created = await inner.create(ctx, record);
        await inner.addMembers(ctx, created.id, members);
        return /** @type {Stored} */ (await inner.get(ctx, created.id));
      });
    },
    async replace(ctx, id, record, opts) {
      const { members, ...write } = opts ?? {};
      if (!members) return teamTable.replace(ctx, id, record, write);
      userIds(members);
      return atomic(async (db) => {
        const inner = build(pool, db, t).groups;
        await inner.replace(ctx, id, record, write);
        await inner.replaceMembers(ctx, id, members);
        return /** @type {Stored} */ (await inner.get(ctx, id));
      });
    },
    addMembers: (ctx, id, members, opts = {}) => changeMembers(ctx, id, { add: userIds(members) }, opts),
    removeMembers: (ctx, id, ids, opts = {}) =>
      changeMembers(
        ctx,
        id,
        { remove: [...new Set(ids.map((v) => v.toLowerCase()))].filter((v) => UUID.test(v)) },
        opts,
      ),
    // A delta is right whatever commits beside it, but a whole new list must not miss a member
    // added a moment before: lock the team row first, so the statement that deletes "everyone
    // else" starts after any change queued ahead of it and sees its rows.
    async replaceMembers(ctx, id, members, opts = {}) {
      const ids = userIds(members);
      if (!tx) return atomic((db) => build(pool, db, t).groups.replaceMembers(ctx, id, members, opts));
      if (UUID.test(id))
        await statement(`SELECT 1 FROM ${t.teams.table} WHERE tenant = $1 AND id = $2 FOR UPDATE`, [ctx.tenant, id]);
      return changeMembers(ctx, id, { add: ids, keepOnly: ids }, opts);
    },
    async groupsOf(ctx, userId) {
      if (!UUID.test(userId)) return [];
      const { rows } = await statement(
        `SELECT g.id::text AS id, g.name FROM ${t.members} m JOIN ${t.teams.table} g ON g.id = m.team_id` +
          ` WHERE m.user_id = $2 AND g.tenant = $1 ORDER BY g.name, g.id`,
        [ctx.tenant, userId],
      );
      return rows.map((r) => ({ id: r.id, display: r.name }));
    },
  };

  return {
    users: userStore,
    groups: groupStore,

    /** The router declares its unique keys once; this table can only enforce login and team name. */
    configure(config) {
      checkUnique(config.users, t.users, "login", "app_users_login");
      checkUnique(config.groups, t.teams, "name", "app_teams_name");
    },

    /** Every operation inside runs in a savepoint of one transaction, on one connection. */
    transaction: (fn) => atomic((db) => fn(build(pool, db, t))),
  };
}

/**
 * @param {UniqueKey[]} keys
 * @param {TableDef} def
 * @param {string} column
 * @param {string} index
 */
function checkUnique(keys, def, column, index) {
  for (const key of keys) {
    const field = key.path.length === 1 ? def.fields.get(key.path[0]) : undefined;
    if (field?.column !== column || key.caseExact) {
      throw new TypeError(
        `appUsersStore: "${key.path.join(".")}" must be unique${key.caseExact ? " (case-exact)" : ""}, but ${def.table} only has the unique index ` +
          `${index} on lower(${column}). Map the attribute onto ${column}, or add a unique index for it and teach the store about it.`,
      );
    }
  }
}

/**
 * A record as column values, and the rest for `extra`.
 * @param {TableDef} def
 * @param {AppRecord} record
 */
function toRow(def, record) {
  /** @type {Record<string, unknown>} */
  const values = {};
  /** @type {Record<string, unknown>} */
  const extra = {};
  for (const [key, value] of Object.entries(record)) {
    const field = def.fields.get(key);
    if (!field) {
      if (value !== undefined) extra[key] = value;
      continue;
    }
    if (value === undefined || value === null) continue;
    if (field.type === "text" && typeof value !== "string")
      throw new ScimError(400, "invalidValue", `${key} must be a string.`);
    if (field.type === "boolean" && typeof value !== "boolean")
      throw new ScimError(400, "invalidValue", `${key} must be true or false.`);
    // jsonb goes as JSON text: node-postgres would send a JavaScript array as a PostgreSQL array.
    values[field.column] = field.type === "jsonb" ? JSON.stringify(value) : value;
  }
  return { values, extra };
}

/**
 * @param {TableDef} def
 * @param {any} row
 * @returns {Stored}
 */
function fromRow(def, row) {
  /** @type {AppRecord} */
  const record = {};
  for (const [key, { column }] of def.fields) {
    if (row[column] !== null && row[column] !== undefined) record[key] = row[column];
  }
  return {
    id: row.id,
    version: String(row.version),
    created: row.created_at,
    lastModified: row.updated_at,
    record: { ...record, ...row.extra },
  };
}

/** @param {TableDef} def @param {string} column */
function cast(def, column) {
  const type = [...def.fields.values()].find((f) => f.column === column)?.type;
  return type === "jsonb" ? "::jsonb" : type === "boolean" ? "::boolean" : "::text";
}

/** Versions are integers; anything else can never match (a 412 when the row exists). */
function versionOf(/** @type {string | undefined} */ ifVersion) {
  if (ifVersion === undefined) return null;
  return /^\d{1,9}$/.test(ifVersion) ? Number(ifVersion) : -1;
}

/** @param {string[]} ids */
function unknownMembers(ids) {
  return new ScimError(
    400,
    "invalidValue",
    `No user with id ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", ..." : ""} in this tenant; teams hold users only.`,
  );
}

/** PostgreSQL errors the client caused, as SCIM errors; anything else stays a 500. */
function translate(/** @type {any} */ error) {
  if (error instanceof ScimError) return error;
  if (error?.code === "23505") {
    const what = String(error.constraint).startsWith("app_teams")
      ? "A group with this displayName"
      : "A user with this userName";
    return new ScimError(409, "uniqueness", `${what} already exists.`);
  }
  // A user deleted while being added to a team.
  if (error?.code === "23503") return new ScimError(400, "invalidValue", "A member no longer exists.");
  return error;
}

/** A schema name as a quoted identifier; only plain names are accepted. */
function ident(/** @type {string} */ name) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new TypeError(`appUsersStore: schema must be a plain lower-case name, got ${JSON.stringify(name)}.`);
  return `"${name}"`;
}

module.exports = { appUsersStore, createTables, USER_COLUMNS, TEAM_COLUMNS };
