/**
 * `express-scim openapi`: prints the OpenAPI document of the router a config file describes (its
 * schemas, mapping, userIdentity, limits and cursors), the same document GET /openapi.json serves.
 * No store is opened: the document depends on none.
 */
import fs from "node:fs";
import path from "node:path";
import { openApiOf, type OpenApiSource } from "../http/openapi";
import { checkKnownKeys, type ScimOptions } from "../options";
import { option, UsageError, type Invocation } from "./args";

/** The options a config file exports: its object, or its `default` export (CommonJS or JSON). */
function loadConfig(file: string): OpenApiSource {
  const full = path.resolve(file);
  if (!fs.existsSync(full)) throw new UsageError(`--config ${file}: no such file.`);
  if (!/\.(c?js|json)$/.test(full)) throw new UsageError("--config must be a .js, .cjs or .json file.");
  const loaded = require(full) as unknown;
  const options = (loaded as { default?: unknown })?.default ?? loaded;
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new Error(`${file} must export the scim() options object (its schemas, mapping, limits, ...).`);
  // A whole scim() options object is welcome (store, tokens, ... are ignored); a misspelt key is not.
  checkKnownKeys(options as ScimOptions);
  return options as OpenApiSource;
}

export function printOpenApi(invocation: Pick<Invocation, "values">, out: (text: string) => void): void {
  const config = option(invocation, "config");
  const server = option(invocation, "server");
  if (server !== undefined && !/^https?:\/\/[^/]/.test(server))
    throw new UsageError(`--server must be the absolute URL of the mount point, e.g. https://app.example.com/scim/v2.`);
  const options = config === undefined ? {} : loadConfig(config);
  const document = openApiOf(options, server?.replace(/\/+$/, ""));
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const file = option(invocation, "out");
  if (file === undefined) {
    out(text);
    return;
  }
  fs.writeFileSync(file, text);
  out(`Wrote ${file}.\n`);
}
