// Avro object container files (Avro spec, "Object Container Files") for manifests and manifest
// lists, encoded with avsc. The header carries the schema exactly as given, because Iceberg needs
// its `field-id`, `element-id` and `logicalType: "map"` annotations, which avsc drops when it
// prints a parsed schema. Longs are bigints: snapshot ids use all 63 bits.

import { inflateRawSync } from "node:zlib";
import type { Type } from "avsc";
import { bigLong } from "../../schema/avro-long.ts";
import { IcebergError } from "./errors.ts";

type Avsc = typeof import("avsc");
/** An Avro schema in its JSON form. */
export type AvroSchema = string | readonly AvroSchema[] | { readonly [key: string]: unknown };

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);

let loaded: Promise<Avsc> | undefined;
const avsc = (): Promise<Avsc> => (loaded ??= import("avsc"));

function parse(avro: Avsc, schema: AvroSchema): Type {
  return avro.Type.forSchema(schema as Parameters<Avsc["Type"]["forSchema"]>[0], { registry: { long: bigLong(avro) }, omitRecordMethods: true });
}

const headerSchema: AvroSchema = {
  type: "record",
  name: "org.apache.avro.file.Header",
  fields: [
    { name: "magic", type: { type: "fixed", name: "Magic", size: 4 } },
    { name: "meta", type: { type: "map", values: "bytes" } },
    { name: "sync", type: { type: "fixed", name: "Sync", size: 16 } },
  ],
};

/** One file: header, then all records in one block (none when there are no records). */
export async function writeAvroFile(schema: AvroSchema, records: readonly object[], metadata: Readonly<Record<string, string>>): Promise<Uint8Array> {
  const avro = await avsc();
  const type = parse(avro, schema);
  const sync = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
  const meta: Record<string, Buffer> = { "avro.schema": Buffer.from(JSON.stringify(schema)), "avro.codec": Buffer.from("null") };
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(value);
  const parts = [parse(avro, headerSchema).toBuffer({ magic: MAGIC, meta, sync })];
  if (records.length > 0) {
    const body = Buffer.concat(records.map((r) => type.toBuffer(r)));
    const long = avro.Type.forSchema("long");
    parts.push(long.toBuffer(records.length), long.toBuffer(body.length), body, sync);
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** The records of a file, resolved from the writer's schema (in its header) to `readerSchema`. */
export async function readAvroFile(bytes: Uint8Array, readerSchema: AvroSchema): Promise<{ records: unknown[]; metadata: Record<string, string> }> {
  const avro = await avsc();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = parse(avro, headerSchema).decode(buf, 0);
  const value = header.value as { magic: Buffer; meta: Record<string, Buffer>; sync: Buffer } | undefined;
  if (value === undefined || header.offset < 0 || !value.magic.equals(MAGIC)) throw new IcebergError("not an Avro object container file");
  const metadata = Object.fromEntries(Object.entries(value.meta).map(([k, v]) => [k, v.toString()]));
  const codec = metadata["avro.codec"] ?? "null";
  if (codec !== "null" && codec !== "deflate") throw new IcebergError(`Avro codec ${codec} is not supported`);
  const writer = parse(avro, JSON.parse(metadata["avro.schema"] ?? "null") as AvroSchema);
  const reader = parse(avro, readerSchema);
  const resolver = reader.createResolver(writer);
  const long = avro.Type.forSchema("long");
  const records: unknown[] = [];
  for (let pos = header.offset; pos < buf.length; ) {
    const count = long.decode(buf, pos);
    const size = long.decode(buf, count.offset);
    if (count.offset < 0 || size.offset < 0) throw new IcebergError("truncated Avro block header");
    const end = size.offset + (size.value as number);
    const block = codec === "deflate" ? inflateRawSync(buf.subarray(size.offset, end)) : buf.subarray(size.offset, end);
    for (let i = 0, at = 0; i < (count.value as number); i++) {
      const record = reader.decode(block, at, resolver);
      if (record.offset < 0) throw new IcebergError("truncated Avro block");
      records.push(record.value);
      at = record.offset;
    }
    if (!buf.subarray(end, end + 16).equals(value.sync)) throw new IcebergError("Avro block does not end with the file's sync marker");
    pos = end + 16;
  }
  return { records, metadata };
}
