/**
 * Every response the HTTP and replay suites receive, held to the OpenAPI document of the router
 * that sent it (lib/openapi): `contractRecorder(options)` is mounted in front of `scim(options)`
 * by the test hosts (__tests__/http/app.ts), checks each response as it ends (method, path,
 * status, headers, body) with ajv-compiled validators, and files what disagrees; the setup file
 * (__tests__/setup/openapi-contract.ts) fails the test that received it. A response outside the
 * document (an unknown path or method) must still be a SCIM error.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { scim, type ScimOptions } from "../../lib";
import { openApiOf, type OpenApiSource } from "../../lib/http/openapi";
import { tally } from "./contract-tally";

type Json = Record<string, unknown>;

export interface ResponseSeen {
  method: string;
  /** The path below the mount point, without the query. */
  path: string;
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** Bodies above this are counted but not parsed: a 200,000-member group would cost seconds. */
const MAX_CHECKED_BYTES = 16 * 1024 * 1024;

export interface Contract {
  /** The problems with one response; none when it agrees with the document. */
  check(seen: ResponseSeen): string[];
}

/** OpenAPI's writeOnly (RFC 7643 `returned: never`): such a property must not appear in a response. */
function responseView(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(responseView);
  if (!value || typeof value !== "object") return value;
  if ((value as Json).writeOnly === true) return false;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, responseView(v)]));
}

const pointer = (parts: string[]) => `#/${parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;

function at(doc: Json, ref: string): Json {
  let node: unknown = doc;
  for (const part of ref.replace(/^#\//, "").split("/")) {
    node = (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node as Json;
}

/** What a response outside the document must be: a SCIM error. */
const OUTSIDE: Json = { content: { "application/scim+json": {} } };

const deref = (doc: Json, node: Json): Json => (typeof node.$ref === "string" ? at(doc, node.$ref) : node);

export function contractOf(document: Json): Contract {
  const doc = responseView(document) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, "openapi");
  const validators = new Map<string, ValidateFunction>();
  const validator = (ref: string) => {
    let v = validators.get(ref);
    if (!v) {
      v = ajv.compile({ $ref: `openapi${ref}` });
      validators.set(ref, v);
    }
    return v;
  };
  const paths = doc.paths as Record<string, Json>;
  // Literal paths first: /Users/.search before /Users/{id}, as the router mounts them.
  const templates = Object.keys(paths)
    .map((template) => ({
      template,
      params: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`, "i"),
    }))
    .sort((a, b) => a.params - b.params);

  const checkBody = (
    seen: ResponseSeen,
    where: string,
    response: Json,
    schemaRef: (type: string) => string,
  ): string[] => {
    const content = response.content as Record<string, unknown> | undefined;
    const head = seen.method === "HEAD";
    if (!content)
      return seen.body === "" ? [] : [`${where}: the document describes no body, got ${seen.body.slice(0, 200)}`];
    if (head) return [];
    const type = (seen.headers["content-type"] ?? "").split(";")[0]!.trim();
    if (!Object.hasOwn(content, type))
      return [`${where}: Content-Type ${type || "(none)"}, the document says ${Object.keys(content).join(" or ")}`];
    if (seen.body.length > MAX_CHECKED_BYTES) return [];
    let body: unknown;
    try {
      body = JSON.parse(seen.body);
    } catch {
      return [`${where}: the body is not JSON: ${seen.body.slice(0, 200)}`];
    }
    const validate = validator(schemaRef(type));
    if (validate(body)) return [];
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    return [`${where}: the body disagrees with the document: ${errors.join("; ")}\n  body: ${seen.body.slice(0, 600)}`];
  };

  return {
    check(seen) {
      const where = `${seen.method} ${seen.path} -> ${seen.status}`;
      const path = seen.path.replace(/^\/+/, "/").replace(/(.)\/$/, "$1") || "/";
      const match = templates.find((t) => t.pattern.test(path));
      const method = seen.method === "HEAD" ? "get" : seen.method.toLowerCase();
      const item = match ? paths[match.template]! : undefined;
      if (!item || typeof item[method] !== "object") {
        // Outside the document: the router's 404 and 405, which must still be SCIM errors.
        tally().outsideDocument += 1;
        if (seen.status < 400) return [`${where}: a success for an operation the document does not describe`];
        return checkBody(seen, where, OUTSIDE, () => "#/components/schemas/Error");
      }
      const responses = (item[method] as Json).responses as Record<string, Json>;
      const status = String(seen.status);
      const key = [status, `${status[0]}XX`, "default"].find((k) => Object.hasOwn(responses, k));
      if (!key) return [`${where}: the document describes no ${status} for ${seen.method} ${match!.template}`];
      const raw = responses[key]!;
      const ref =
        typeof raw.$ref === "string"
          ? raw.$ref.replace(/^#\//, "").split("/")
          : ["paths", match!.template, method, "responses", key];
      const response = deref(doc, raw);
      const problems: string[] = [];
      for (const [name, h] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
        if (deref(doc, h).required && seen.headers[name.toLowerCase()] === undefined)
          problems.push(`${where}: the ${name} header is missing`);
      }
      return [...problems, ...checkBody(seen, where, response, (type) => pointer([...ref, "content", type, "schema"]))];
    },
  };
}

const contracts = new Map<string, Contract>();

/** The contract of a router's options, compiled once per distinct document. */
export function contractFor(options: OpenApiSource): Contract {
  const document = openApiOf(options) as Json;
  const key = JSON.stringify(document);
  let contract = contracts.get(key);
  if (!contract) {
    contract = contractOf(document);
    contracts.set(key, contract);
  }
  return contract;
}

/**
 * Middleware for the test hosts: mounted at the router's mount point, before it. Each response
 * is checked synchronously as it ends, so its problems are filed before the client can read it.
 */
export function contractRecorder(options: OpenApiSource): RequestHandler {
  const contract = contractFor(options);
  return (req: Request, res: Response, next: NextFunction) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === "function") return;
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
      size += buf.length;
      if (size <= MAX_CHECKED_BYTES + 1) chunks.push(buf);
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    const path = req.path;
    (res as { write: unknown }).write = (...args: unknown[]) => {
      keep(args[0], args[1]);
      return write(...args);
    };
    (res as { end: unknown }).end = (...args: unknown[]) => {
      keep(args[0], args[1]);
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(res.getHeaders()))
        headers[name.toLowerCase()] = value === undefined ? undefined : String(value);
      const seen: ResponseSeen = {
        method: req.method,
        path,
        status: res.statusCode,
        headers,
        body: size > MAX_CHECKED_BYTES ? "" : Buffer.concat(chunks).toString("utf8"),
      };
      const t = tally();
      t.checked += 1;
      if (size <= MAX_CHECKED_BYTES) t.problems.push(...contract.check(seen));
      else t.oversized += 1;
      return end(...args);
    };
    next();
  };
}

/** `scim(options)` behind the contract recorder, for suites that build their own app: `app.use(mount, ...checkedScim(o))`. */
export function checkedScim(options: ScimOptions): RequestHandler[] {
  const router = scim(options); // first: its start-up errors are what a test expects
  return [contractRecorder(options), router];
}
