// The layers of lib/ (docs/concepts.md), lowest first, and the rules that keep imports pointing
// down. `npx depcruise lib` checks them (the static checks phase of `npm test`), and
// scripts/layers.js draws the picture in docs/concepts.md from the same list.
//
// A module may import from its own layer and the layers below it, never from one above.

/** Each layer: a name for the picture, what it holds, and the files it owns (regular expressions on the path). */
const layers = [
  { name: "values", holds: "SCIM value semantics and JSON helpers", paths: ["^lib/values/", "^lib/logger\\.ts$"] },
  { name: "profiles", holds: "client quirks as data, the tolerances engines read", paths: ["^lib/profiles/"] },
  { name: "errors", holds: "ScimError and its named constructors", paths: ["^lib/protocol/errors\\.ts$"] },
  { name: "schema", holds: "RFC 7643 schemas, coercion, custom extensions", paths: ["^lib/schema/"] },
  { name: "protocol", holds: "filters, PATCH, projection, lists", paths: ["^lib/protocol/"] },
  {
    name: "support",
    holds: "tokens, audit, request log, rate limits, events, debug output",
    paths: ["^lib/(auth|audit|request-log|limits|events)/", "^lib/debug\\.ts$"],
  },
  {
    name: "openapi",
    holds: "the OpenAPI document, written from the schemas discovery serves",
    paths: ["^lib/openapi/"],
  },
  {
    name: "contract",
    holds: "the Store and Hooks contracts, the stores' lock",
    paths: ["^lib/stores/[^/]+\\.ts$", "^lib/hooks/"],
  },
  { name: "stores", holds: "memory, SQL, SQLite, PostgreSQL", paths: ["^lib/stores/[^/]+/"] },
  { name: "mapping", holds: "SCIM resource <-> app record", paths: ["^lib/mapping/"] },
  {
    name: "service",
    holds: "the SCIM meaning of each operation; event delivery (the loop, listeners, webhooks, Security Event Tokens)",
    paths: ["^lib/service/", "^lib/delivery/"],
  },
  { name: "options", holds: "scim() options, defaults, checks", paths: ["^lib/options\\.ts$"] },
  { name: "http", holds: "the Express router", paths: ["^lib/http/"] },
  {
    name: "entries",
    holds: "the package entries (main and subpaths), the console and the CLI",
    paths: ["^lib/index\\.ts$", "^lib/cli/", "^lib/console/", "^lib/testing/", "^lib/store-helpers\\.ts$"],
  },
];

/** The first layer whose paths match wins, so `errors` takes protocol/errors.ts before `protocol` does. */
const owner = (index) => ({ path: layers[index].paths, pathNot: layers.slice(0, index).flatMap((l) => l.paths) });

const upward = layers.slice(0, -1).map((layer, index) => ({
  name: `no-upward-from-${layer.name}`,
  comment: `${layer.name} (${layer.holds}) imports only from its own layer and the ones below it.`,
  severity: "error",
  from: owner(index),
  to: {
    path: layers.slice(index + 1).flatMap((l) => l.paths),
    pathNot: layers.slice(0, index + 1).flatMap((l) => l.paths),
  },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "no-circular",
      comment: "A cycle makes two modules one: neither can be read, tested or moved alone.",
      severity: "error",
      from: { path: "^lib/" },
      to: { circular: true },
    },
    {
      name: "pure-core",
      comment:
        "values, profiles, schema, protocol and openapi are pure functions over plain data: no I/O, no Express, no drivers.",
      severity: "error",
      from: { path: "^lib/(values|profiles|schema|protocol|openapi)/" },
      to: { dependencyTypes: ["core", "npm", "npm-dev", "npm-peer", "npm-optional", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "stores-stand-alone",
      comment:
        "A store depends on the store contract and pure helpers, never on another store (the SQLite and PostgreSQL stores share lib/stores/sql).",
      severity: "error",
      from: { path: "^lib/stores/([^/]+)/" },
      to: { path: "^lib/stores/[^/]+/", pathNot: ["^lib/stores/$1/", "^lib/stores/sql/"] },
    },
    {
      name: "sql-is-shared",
      comment: "lib/stores/sql is the SQL stores' common part; it knows no dialect.",
      severity: "error",
      from: { path: "^lib/stores/sql/" },
      to: { path: "^lib/stores/[^/]+/", pathNot: "^lib/stores/sql/" },
    },
    {
      name: "stores-only-from-entries",
      comment: "Only the package entries and the CLI name a store implementation; everything else sees the contract.",
      severity: "error",
      from: { path: "^lib/", pathNot: ["^lib/stores/", "^lib/index\\.ts$", "^lib/cli/", "^lib/testing/"] },
      to: { path: "^lib/stores/[^/]+/" },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing is a typo or a missing dependency.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: a layer that names an upper layer's type depends on it all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

// For scripts/layers.js; not enumerable, because dependency-cruiser refuses keys it does not know.
Object.defineProperty(module.exports, "layers", { value: layers });
