import type { AppRecord } from "../types";

/** One stored user or group of the memory store, as its tables and indexes hold it. */
export interface Row {
  id: string;
  version: number;
  created: Date;
  lastModified: Date;
  record: AppRecord;
  /** Insertion order, kept across versions: the tie-breaker of every sorted walk and the unsorted order. */
  seq: number;
}
