-- The host app's own tables: users, teams and team members, with the app's own column names.
-- They were here before SCIM; the store in store.js translates between them and express-scim.
-- Run by createTables() with search_path set to the app's schema, so names are unqualified.
-- Safe to run again: everything is IF NOT EXISTS.

CREATE TABLE IF NOT EXISTS app_users (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant             text NOT NULL,
  login              text NOT NULL,
  first_name         text,
  last_name          text,
  full_name          text,
  display_name       text,
  email              text,
  work_phone         text,
  mobile_phone       text,
  office             jsonb,            -- the work address, kept whole
  job_title          text,
  locale             text,
  preferred_language text,
  disabled           boolean,
  idp_subject        text,             -- the identity provider's id for the user (SCIM externalId)
  employee_no        text,
  department         text,
  manager_id         text,
  password_hash      text,             -- the app's own: SCIM never reads or writes it
  extra              jsonb NOT NULL DEFAULT '{}'::jsonb,  -- record keys without a column of their own
  created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  version            integer NOT NULL DEFAULT 1
);
-- Logins are unique per tenant whatever their case: the database, not the app, enforces it.
CREATE UNIQUE INDEX IF NOT EXISTS app_users_login ON app_users (tenant, lower(login));
CREATE INDEX IF NOT EXISTS app_users_idp_subject ON app_users (tenant, idp_subject);
CREATE INDEX IF NOT EXISTS app_users_email ON app_users (tenant, lower(email));
CREATE INDEX IF NOT EXISTS app_users_created ON app_users (tenant, created_at, id);

CREATE TABLE IF NOT EXISTS app_teams (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant       text NOT NULL,
  name         text NOT NULL,
  idp_group_id text,                   -- the identity provider's id for the group (SCIM externalId)
  extra        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  version      integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX IF NOT EXISTS app_teams_name ON app_teams (tenant, lower(name));
CREATE INDEX IF NOT EXISTS app_teams_idp_group_id ON app_teams (tenant, idp_group_id);
CREATE INDEX IF NOT EXISTS app_teams_created ON app_teams (tenant, created_at, id);

-- Teams hold users. Deleting a user or a team deletes its memberships.
CREATE TABLE IF NOT EXISTS app_team_members (
  team_id   uuid NOT NULL REFERENCES app_teams (id) ON DELETE CASCADE,
  user_id   uuid NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  joined_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX IF NOT EXISTS app_team_members_user ON app_team_members (user_id);
