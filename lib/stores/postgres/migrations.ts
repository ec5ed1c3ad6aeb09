/** PostgreSQL schema, as versioned migrations. `S` is the quoted schema name. */
import type { Migration } from "../sql/migrate";
import { foldTable } from "../../values/fold";
import { emailValues } from "../sql/emails";
import { postgresDialect } from "./dialect";

/** A resource table with its extracted key column; RFC 7643 4.1.1: that key is unique, case-insensitively, per tenant. */
const resource = (S: string, name: string, key: string) => [
  `CREATE TABLE ${S}.${name} (
    tenant text NOT NULL,
    id text NOT NULL,
    seq bigserial NOT NULL,
    version bigint NOT NULL,
    created timestamptz NOT NULL,
    last_modified timestamptz NOT NULL,
    record jsonb NOT NULL,
    ${key} text,
    external_id text,
    display text,
    PRIMARY KEY (tenant, id)
  )`,
  `CREATE UNIQUE INDEX ${name}_${key} ON ${S}.${name} (tenant, lower(${key}))`,
  `CREATE INDEX ${name}_external_id ON ${S}.${name} (tenant, external_id)`,
  `CREATE INDEX ${name}_seq ON ${S}.${name} (tenant, seq)`,
];

export function postgresMigrations(S: string): Migration[] {
  return [
    {
      version: 1,
      description: "users, groups, memberships, tokens; extracted key columns and their indexes",
      statements: [
        ...resource(S, "users", "user_name"),
        ...resource(S, "groups", "display_name"),
        // One row per membership; members may be users or groups, so only the group side is a foreign key.
        `CREATE TABLE ${S}.memberships (
          tenant text NOT NULL,
          group_id text NOT NULL,
          member_id text NOT NULL,
          member_type text NOT NULL CHECK (member_type IN ('User', 'Group')),
          PRIMARY KEY (tenant, group_id, member_id),
          FOREIGN KEY (tenant, group_id) REFERENCES ${S}.groups (tenant, id) ON DELETE CASCADE
        )`,
        `CREATE INDEX memberships_member ON ${S}.memberships (tenant, member_id)`,
        // For the token registry: hashes only, never tokens.
        `CREATE TABLE ${S}.tokens (
          tenant text NOT NULL,
          id text NOT NULL,
          hash text NOT NULL,
          label text,
          scopes jsonb NOT NULL DEFAULT '[]',
          expires_at timestamptz,
          revoked_at timestamptz,
          created timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant, id)
        )`,
        `CREATE UNIQUE INDEX tokens_hash ON ${S}.tokens (hash)`,
        // evaluate()'s parseInstant: RFC 3339 / xsd:dateTime, no zone meaning UTC, else NULL
        // (never an error: Okta sends junk dates such as "04-12-2018 00:00:00").
        `CREATE FUNCTION ${S}.scim_instant(t text) RETURNS double precision
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
          DECLARE s text := t;
          BEGIN
            IF s !~ '^\\d{4}-\\d{2}-\\d{2}([Tt ]([01]\\d|2[0-3]):[0-5]\\d(:([0-5]\\d|60)(\\.\\d+)?)?([Zz]|[+-]([01]\\d|2[0-3]):[0-5]\\d)?)?$' THEN
              RETURN NULL;
            END IF;
            IF length(s) = 10 THEN s := s || 'T00:00:00'; END IF;
            IF s !~ '([Zz]|[+-]\\d{2}:\\d{2})$' THEN s := s || '+00:00'; END IF;
            RETURN floor(extract(epoch FROM s::timestamptz) * 1000);
          EXCEPTION WHEN others THEN
            RETURN NULL;
          END
          $fn$`,
      ],
    },
    {
      version: 2,
      description: "tokens.hint: the first characters of a secret, to recognise a leaked token",
      statements: [`ALTER TABLE ${S}.tokens ADD COLUMN hint text NOT NULL DEFAULT ''`],
    },
    {
      version: 3,
      description: "audit: one row per request, newest last",
      statements: [
        `CREATE TABLE ${S}.audit (seq bigserial PRIMARY KEY, tenant text NOT NULL, at timestamptz NOT NULL, record jsonb NOT NULL)`,
        `CREATE INDEX audit_tenant ON ${S}.audit (tenant, seq)`,
      ],
    },
    {
      version: 4,
      description: "scim_instant computes instants as evaluate() does: year 0000, more than 6 fraction digits",
      // Version 1 cast the text to timestamptz, which differs from evaluate()'s parseInstant in two
      // ways a stored value can show (the service accepts both): timestamptz rounds fractions to
      // microseconds ("…00.1239996Z" read as .124, evaluate() truncates to .123) and has no year 0
      // ("0000-01-01T00:00:00Z", a valid instant for evaluate(), read as junk). The instant is now
      // computed field by field, the milliseconds as floor(0.fff… * 1000) in double precision,
      // exactly as JavaScript computes them.
      statements: [
        `CREATE OR REPLACE FUNCTION ${S}.scim_instant(t text) RETURNS double precision
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
          DECLARE
            m text[];
            y int;
            ms double precision := 0;
            off int := 0;
          BEGIN
            m := regexp_match(t, '^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]+))?)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))?)?$');
            IF m IS NULL OR m[2]::int NOT BETWEEN 1 AND 12 OR m[3]::int NOT BETWEEN 1 AND 31 THEN
              RETURN NULL;
            END IF;
            IF m[4] IS NOT NULL THEN
              IF m[4]::int > 23 OR m[5]::int > 59 OR coalesce(m[6]::int, 0) > 60 OR coalesce(m[10]::int, 0) > 23 OR coalesce(m[11]::int, 0) > 59 THEN
                RETURN NULL;
              END IF;
              ms := m[4]::int * 3600000 + m[5]::int * 60000 + coalesce(m[6]::int, 0) * 1000;
              IF m[7] IS NOT NULL THEN ms := ms + floor(('0.' || m[7])::double precision * 1000); END IF;
              IF m[9] IS NOT NULL THEN off := (m[10]::int * 60 + m[11]::int) * (CASE m[9] WHEN '-' THEN -1 ELSE 1 END); END IF;
            END IF;
            -- make_date refuses 2026-02-30 (caught below, NULL); ISO year 0000 is 1 BC for PostgreSQL.
            y := m[1]::int;
            RETURN (make_date(CASE WHEN y = 0 THEN -1 ELSE y END, m[2]::int, m[3]::int) - DATE '1970-01-01')::double precision * 86400000 + ms - off * 60000;
          EXCEPTION WHEN others THEN
            RETURN NULL;
          END
          $fn$`,
      ],
    },
    {
      version: 5,
      description: "scim_fold and *_fold columns: one case folding for every store (lib/values/fold.ts)",
      // lower() follows the database's ctype and so differs from the memory and SQLite stores on
      // "İ", a word-final "Σ" and letters newer than the C library (a 201 here, a 409 there). The
      // unique keys are now folded in JavaScript on write (*_fold, indexed), and other values by
      // scim_fold, built from that same fold when this migration runs (see foldFunction; a later
      // Node.js with newer Unicode tables differs only on letters added since).
      // Fails if two existing names of a tenant now fold alike (only "ς" against "σ" can).
      // Built when applied, not each time a store is created: the table takes a moment to compute.
      get statements() {
        return [...foldFunction(S), ...foldColumn(S, "users", "user_name"), ...foldColumn(S, "groups", "display_name")];
      },
    },
    {
      version: 6,
      description: "tokens.rotated_at: a rotated token is not rotated again by mistake",
      statements: [`ALTER TABLE ${S}.tokens ADD COLUMN rotated_at timestamptz`],
    },
    {
      version: 7,
      description: "request_log: one row per SCIM request, for the console",
      statements: [
        `CREATE TABLE ${S}.request_log (seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, at timestamptz NOT NULL, tenant text, token_id text, idp text NOT NULL, status integer NOT NULL, resource_id text, entry jsonb NOT NULL)`,
        `CREATE INDEX request_log_at ON ${S}.request_log (at)`,
        `CREATE INDEX request_log_tenant ON ${S}.request_log (tenant, seq)`,
        `CREATE INDEX request_log_token ON ${S}.request_log (token_id, seq)`,
        `CREATE INDEX request_log_resource ON ${S}.request_log (resource_id, seq)`,
      ],
    },
    {
      version: 8,
      description: "scim_instant safe in parallel workers; indexes for what identity providers filter and sort on",
      statements: [instantFunction(S), ...readIndexes(S), `ANALYZE ${S}.users`, `ANALYZE ${S}.groups`],
    },
    {
      version: 9,
      description: "the outbox: events (the feed), per-tenant event counters, deliveries per sink",
      statements: [
        `CREATE TABLE ${S}.events (
          pos bigserial PRIMARY KEY,
          id text NOT NULL UNIQUE,
          tenant text NOT NULL,
          seq bigint NOT NULL,
          type text NOT NULL,
          resource_type text NOT NULL,
          resource_id text NOT NULL,
          actor text,
          time timestamptz NOT NULL,
          data jsonb NOT NULL,
          UNIQUE (tenant, seq)
        )`,
        `CREATE INDEX events_time ON ${S}.events (time)`,
        `CREATE TABLE ${S}.event_counters (tenant text PRIMARY KEY, seq bigint NOT NULL)`,
        `CREATE TABLE ${S}.deliveries (
          sink text NOT NULL,
          pos bigint NOT NULL,
          resource text NOT NULL,
          state text NOT NULL CHECK (state IN ('pending', 'dead')),
          attempts integer NOT NULL,
          since timestamptz NOT NULL,
          next_at timestamptz NOT NULL,
          lease_owner text,
          lease_until timestamptz,
          last_error text,
          PRIMARY KEY (sink, pos)
        )`,
        `CREATE INDEX deliveries_pending ON ${S}.deliveries (sink, resource, pos) WHERE state = 'pending'`,
        `CREATE INDEX deliveries_due ON ${S}.deliveries (sink, pos) WHERE state = 'pending'`,
        `CREATE INDEX deliveries_pos ON ${S}.deliveries (pos)`,
      ],
    },
    {
      version: 10,
      description: "tenant_counts: users and groups per tenant, kept by triggers, for totalResults without COUNT(*)",
      statements: tenantCounts(S),
    },
    {
      version: 11,
      description: "events without the index on time: prune walks the events in position order instead",
      // One index fewer to write per event (the outbox's cost to every write); prune reads
      // positions from the oldest up to the first event it must keep, which it would read anyway.
      statements: [`DROP INDEX ${S}.events_time`],
    },
    {
      version: 12,
      description: "tokens.profile: the client profile an issued token's requests are read with",
      statements: [`ALTER TABLE ${S}.tokens ADD COLUMN profile text`],
    },
  ];
}

/**
 * Users and groups per tenant, so an unfiltered list's totalResults is one row read instead of
 * a COUNT(*) over the tenant (119 ms at 1M users). Statement-level triggers add what each
 * INSERT or DELETE changed, one upsert per tenant and statement (a bulk load of a million rows
 * is a few statements, not a million); their row is locked until commit, so writers that add or
 * remove resources of one tenant commit one after the other, and no count is ever lost; TRUNCATE
 * sets the table's counts to 0. The triggers exist before the table is filled, and CREATE TRIGGER
 * holds off writers until commit.
 */
function tenantCounts(S: string): string[] {
  const change = (sign: string) =>
    `INSERT INTO ${S}.tenant_counts AS c (tenant, user_count, group_count)
      SELECT tenant, CASE WHEN TG_TABLE_NAME = 'users' THEN ${sign}count(*) ELSE 0 END,
        CASE WHEN TG_TABLE_NAME = 'groups' THEN ${sign}count(*) ELSE 0 END
      FROM changed GROUP BY tenant ORDER BY tenant
      ON CONFLICT (tenant) DO UPDATE SET user_count = c.user_count + EXCLUDED.user_count, group_count = c.group_count + EXCLUDED.group_count`;
  const triggers = (table: string) => [
    `CREATE TRIGGER ${table}_count_insert AFTER INSERT ON ${S}.${table} REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ${S}.scim_count()`,
    `CREATE TRIGGER ${table}_count_delete AFTER DELETE ON ${S}.${table} REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ${S}.scim_count()`,
    `CREATE TRIGGER ${table}_count_truncate AFTER TRUNCATE ON ${S}.${table} FOR EACH STATEMENT EXECUTE FUNCTION ${S}.scim_count()`,
  ];
  return [
    `CREATE TABLE ${S}.tenant_counts (
      tenant text PRIMARY KEY,
      user_count bigint NOT NULL DEFAULT 0,
      group_count bigint NOT NULL DEFAULT 0
    )`,
    `CREATE FUNCTION ${S}.scim_count() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        UPDATE ${S}.tenant_counts SET user_count = CASE WHEN TG_TABLE_NAME = 'users' THEN 0 ELSE user_count END,
          group_count = CASE WHEN TG_TABLE_NAME = 'groups' THEN 0 ELSE group_count END;
      ELSIF TG_OP = 'INSERT' THEN
        ${change("")};
      ELSE
        ${change("-")};
      END IF;
      RETURN NULL;
    END
    $fn$`,
    ...triggers("users"),
    ...triggers("groups"),
    `INSERT INTO ${S}.tenant_counts (tenant, user_count, group_count)
      SELECT tenant, sum(u), sum(g) FROM (
        SELECT tenant, 1 AS u, 0 AS g FROM ${S}.users UNION ALL SELECT tenant, 0, 1 FROM ${S}.groups
      ) x GROUP BY tenant`,
  ];
}

/**
 * scim_instant as in version 4, without its EXCEPTION block: PostgreSQL runs PARALLEL SAFE
 * functions in parallel workers, which cannot start the subtransaction such a block opens
 * (sortBy failed with 500 from about 100,000 users). What the block caught is now checked:
 * a day past its month's end (2026-02-30) and a fraction too long for double precision (its
 * first 30 digits decide the milliseconds, as they do for JavaScript's Number).
 */
function instantFunction(S: string): string {
  return `CREATE OR REPLACE FUNCTION ${S}.scim_instant(t text) RETURNS double precision
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    DECLARE
      m text[];
      y int;
      mo int;
      day date;
      ms double precision := 0;
      off int := 0;
    BEGIN
      m := regexp_match(t, '^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]+))?)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))?)?$');
      IF m IS NULL OR m[2]::int NOT BETWEEN 1 AND 12 OR m[3]::int NOT BETWEEN 1 AND 31 THEN
        RETURN NULL;
      END IF;
      IF m[4] IS NOT NULL THEN
        IF m[4]::int > 23 OR m[5]::int > 59 OR coalesce(m[6]::int, 0) > 60 OR coalesce(m[10]::int, 0) > 23 OR coalesce(m[11]::int, 0) > 59 THEN
          RETURN NULL;
        END IF;
        ms := m[4]::int * 3600000 + m[5]::int * 60000 + coalesce(m[6]::int, 0) * 1000;
        IF m[7] IS NOT NULL THEN ms := ms + floor(('0.' || left(m[7], 30))::double precision * 1000); END IF;
        IF m[9] IS NOT NULL THEN off := (m[10]::int * 60 + m[11]::int) * (CASE m[9] WHEN '-' THEN -1 ELSE 1 END); END IF;
      END IF;
      -- ISO year 0000 is 1 BC for PostgreSQL.
      y := m[1]::int;
      mo := m[2]::int;
      day := make_date(CASE WHEN y = 0 THEN -1 ELSE y END, mo, 1) + (m[3]::int - 1);
      IF extract(month FROM day) <> mo THEN
        RETURN NULL;
      END IF;
      RETURN (day - DATE '1970-01-01')::double precision * 86400000 + ms - off * 60000;
    END
    $fn$`;
}

/**
 * Indexes for the reads identity providers and sync tools send (issue 17; docs/stores.md lists
 * them): prefixes (sw) of the folded keys and externalId in byte order, users' meta.lastModified
 * ranges and order (not groups': every member change moves it, and an index on it would cost each
 * of those writes an index update, and PostgreSQL its HOT update), the sort keys of userName and displayName (postgresDialect's sortKey, which the
 * compiler's ORDER BY repeats), and emails.value through scim_emails under a GIN index.
 */
function readIndexes(S: string): string[] {
  const d = postgresDialect(S.slice(1, -1));
  const emails = emailValues(d, "r");
  return [
    `CREATE INDEX users_user_name_prefix ON ${S}.users (tenant, (user_name_fold COLLATE "C"))`,
    `CREATE INDEX groups_display_name_prefix ON ${S}.groups (tenant, (display_name_fold COLLATE "C"))`,
    `CREATE INDEX users_external_id_prefix ON ${S}.users (tenant, (external_id COLLATE "C"))`,
    `CREATE INDEX groups_external_id_prefix ON ${S}.groups (tenant, (external_id COLLATE "C"))`,
    `CREATE INDEX users_last_modified ON ${S}.users (tenant, last_modified, seq)`,
    `CREATE INDEX users_user_name_order ON ${S}.users (tenant, ${d.sortKey("user_name", "user_name_fold")}, seq)`,
    `CREATE INDEX groups_display_name_order ON ${S}.groups (tenant, ${d.sortKey("display_name", "display_name_fold")}, seq)`,
    // Not STRICT: a user without emails has NULL, which no @> matches.
    `CREATE FUNCTION ${S}.scim_emails(r jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT array_agg(DISTINCT x.v) FROM (SELECT ${emails.value} AS v FROM ${emails.from}) x WHERE x.v IS NOT NULL
    $fn$`,
    `CREATE INDEX users_emails ON ${S}.users USING gin ((${S}.scim_emails(record)))`,
  ];
}

/**
 * The fold as SQL, in two steps. First the exact one: lower() under "C" for ASCII-only values,
 * else a translate() over the whole table; exact, but translate() scans its table for every
 * character (tens of microseconds a value). Then, where the database's own lower() agrees with
 * the fold on all but a few characters (a UTF-8 ctype, glibc or ICU), a fast one replaces it:
 * those few are mapped first, lower() does the rest, and a final "ς" that ICU's lower() may
 * produce is read as "σ". Which characters disagree is computed here, on this server, from the
 * same table; if lower() would change a mapped character again, the exact function stays.
 */
function foldFunction(S: string): string[] {
  const { from, to, longer } = foldTable();
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  let expanded = "t";
  for (const [c, folded] of longer) expanded = `replace(${expanded}, ${literal(c)}, ${literal(folded)})`;
  // Not STRICT, so that PostgreSQL can inline it into the statements that call it.
  const exact = `CREATE FUNCTION ${S}.scim_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE WHEN t ~ '^[\\x01-\\x7f]*$' THEN lower(t COLLATE "C") ELSE translate(${expanded}, ${literal(from)}, ${literal(to)}) END
  $fn$`;
  const longerRows = longer.map(([c, folded]) => `(${literal(c)}, ${literal(folded)})`).join(", ");
  const fast = `DO $do$
    DECLARE
      f text := '';
      tt text := '';
      pre text := 't';
      body text;
      r record;
    BEGIN
      FOR r IN
        WITH m AS (
          SELECT * FROM unnest(string_to_array(${literal(from)}, NULL), string_to_array(${literal(to)}, NULL)) AS m(c, want)
          UNION ALL SELECT * FROM (VALUES ${longerRows}) AS v(c, want)
        ), cps AS (SELECT chr(cp) AS c FROM generate_series(1, 131071) cp WHERE cp < 55296 OR cp > 57343)
        SELECT cps.c, coalesce(m.want, cps.c) AS want FROM cps LEFT JOIN m USING (c)
        WHERE lower(cps.c) IS DISTINCT FROM coalesce(m.want, cps.c)
      LOOP
        IF lower(r.want) <> r.want OR r.c IN (']', '\\', '^', '-') THEN
          RETURN;
        END IF;
        IF length(r.want) = 1 THEN
          f := f || r.c;
          tt := tt || r.want;
        ELSE
          pre := format('replace(%s, %L, %L)', pre, r.c, r.want);
        END IF;
      END LOOP;
      IF f = '' AND pre = 't' THEN
        body := $b$SELECT replace(lower(t COLLATE "default"), 'ς', 'σ')$b$;
      ELSE
        body := format($b$SELECT replace(lower((CASE WHEN t ~ %L THEN translate(%s, %L, %L) ELSE t END) COLLATE "default"), 'ς', 'σ')$b$,
          '[' || f || (SELECT coalesce(string_agg(c, ''), '') FROM (VALUES ${longerRows}) AS v(c, want)) || ']', pre, f, tt);
      END IF;
      EXECUTE format('CREATE OR REPLACE FUNCTION ${S.replaceAll("'", "''")}.scim_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L', body);
    END
  $do$`;
  return [exact, fast];
}

function foldColumn(S: string, table: string, key: string): string[] {
  return [
    `ALTER TABLE ${S}.${table} ADD COLUMN ${key}_fold text`,
    `UPDATE ${S}.${table} SET ${key}_fold = ${S}.scim_fold(${key})`,
    `DROP INDEX ${S}.${table}_${key}`,
    `CREATE UNIQUE INDEX ${table}_${key} ON ${S}.${table} (tenant, ${key}_fold)`,
  ];
}
