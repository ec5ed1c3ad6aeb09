/** The few shapes the OpenAPI generator passes around: JSON values, kept loose on purpose. */
import type { ResourceTypeDef } from "../schema/types";

/** A JSON Schema (OpenAPI 3.1's Schema Object is JSON Schema 2020-12). */
export type JsonSchema = Record<string, unknown>;

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, unknown> };

/** What the document is written from: what discovery serves, and the few limits clients see. */
export interface ServiceDescription {
  /** The resource types as /ResourceTypes and /Schemas show them (after the mapping). */
  resourceTypes: readonly ResourceTypeDef[];
  maxResults: number;
  defaultPageSize: number;
  maxMembersPerRequest: number;
  /** RFC 9865 `cursorTimeout`, seconds. */
  cursorTimeout: number;
  /** The `info` object's title, version and description. */
  info?: { title?: string; version?: string; description?: string };
  /** Absolute URL of the mount point; omitted: the document does not say where it is served. */
  serverUrl?: string;
  /** Whether GET /openapi.json is served (then the document describes it too). */
  servesDocument?: boolean;
  /** Whether GET /Events (the event feed, `delivery: { feed: true }`) is served. */
  servesFeed?: boolean;
}
