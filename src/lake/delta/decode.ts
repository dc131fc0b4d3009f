// Actions from what a reader hands back: a parsed JSON commit line, or a checkpoint row (where every
// action column is present and all but one are null, longs are bigint and maps are objects).

import type { Action, AddAction, MetadataAction, ProtocolAction, RemoveAction, TxnAction } from "./actions.ts";
import { DeltaTableError } from "./error.ts";

type Obj = Readonly<Record<string, unknown>>;
const isObj = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

class Fields {
  constructor(
    private readonly value: Obj,
    private readonly where: string,
  ) {}

  private missing(name: string, kind: string): DeltaTableError {
    return new DeltaTableError(`${this.where}: ${name} is missing or not ${kind}`);
  }
  string(name: string): string {
    const value = this.value[name];
    if (typeof value !== "string") throw this.missing(name, "a string");
    return value;
  }
  optionalString(name: string): string | undefined {
    return this.value[name] == null ? undefined : this.string(name);
  }
  bigint(name: string): bigint {
    const value = this.value[name];
    if (typeof value === "bigint") return value;
    if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
    throw this.missing(name, "an integer");
  }
  number(name: string): number {
    const value = this.bigint(name);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw this.missing(name, "a safe integer");
    return Number(value);
  }
  optionalNumber(name: string): number | undefined {
    return this.value[name] == null ? undefined : this.number(name);
  }
  boolean(name: string): boolean {
    const value = this.value[name];
    if (typeof value !== "boolean") throw this.missing(name, "a boolean");
    return value;
  }
  optionalStrings(name: string): string[] | undefined {
    const value = this.value[name];
    if (value == null) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) throw this.missing(name, "an array of strings");
    return value;
  }
  map(name: string): Record<string, string | null> {
    const value = this.value[name];
    const entries = isObj(value) ? Object.entries(value) : undefined;
    if (entries === undefined || !entries.every((entry): entry is [string, string | null] => entry[1] === null || typeof entry[1] === "string")) {
      throw this.missing(name, "a map of strings");
    }
    return Object.fromEntries(entries);
  }
  textMap(name: string): Record<string, string> {
    const map = this.map(name);
    return Object.fromEntries(Object.entries(map).filter((entry): entry is [string, string] => entry[1] !== null));
  }
  optionalTextMap(name: string): Record<string, string> | undefined {
    return this.value[name] == null ? undefined : this.textMap(name);
  }
  object(name: string): Fields {
    const value = this.value[name];
    if (!isObj(value)) throw this.missing(name, "an object");
    return new Fields(value, `${this.where} ${name}`);
  }
}

const protocol = (f: Fields): ProtocolAction => ({
  minReaderVersion: f.number("minReaderVersion"),
  minWriterVersion: f.number("minWriterVersion"),
  readerFeatures: f.optionalStrings("readerFeatures"),
  writerFeatures: f.optionalStrings("writerFeatures"),
});

const metaData = (f: Fields): MetadataAction => {
  const format = f.object("format");
  return {
    id: f.string("id"),
    name: f.optionalString("name"),
    description: f.optionalString("description"),
    format: { provider: format.string("provider"), options: format.optionalTextMap("options") ?? {} },
    schemaString: f.string("schemaString"),
    partitionColumns: f.optionalStrings("partitionColumns") ?? [],
    configuration: f.optionalTextMap("configuration") ?? {},
    createdTime: f.optionalNumber("createdTime"),
  };
};

const add = (f: Fields): AddAction => ({
  path: f.string("path"),
  partitionValues: f.map("partitionValues"),
  size: f.number("size"),
  modificationTime: f.number("modificationTime"),
  dataChange: f.boolean("dataChange"),
  stats: f.optionalString("stats"),
  tags: f.optionalTextMap("tags"),
});

const remove = (f: Fields): RemoveAction => ({
  path: f.string("path"),
  deletionTimestamp: f.optionalNumber("deletionTimestamp"),
  dataChange: f.boolean("dataChange"),
});

const txn = (f: Fields): TxnAction => ({ appId: f.string("appId"), version: f.bigint("version"), lastUpdated: f.optionalNumber("lastUpdated") });

/** The action a line or row holds; undefined for actions a snapshot does not keep (commitInfo, cdc, …). */
export function decodeAction(line: unknown, where: string): Action | undefined {
  if (!isObj(line)) throw new DeltaTableError(`${where}: an action must be an object`);
  const fields = new Fields(line, where);
  if (isObj(line.protocol)) return { protocol: protocol(fields.object("protocol")) };
  if (isObj(line.metaData)) return { metaData: metaData(fields.object("metaData")) };
  if (isObj(line.add)) return { add: add(fields.object("add")) };
  if (isObj(line.remove)) return { remove: remove(fields.object("remove")) };
  if (isObj(line.txn)) return { txn: txn(fields.object("txn")) };
  return undefined;
}
