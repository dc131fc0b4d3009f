// A topic's schema as the broker and the CLI use it: one part for the record key and one for the
// value, either absent (that part is not checked).

import type { Type as AvroType } from "avsc";
import type { Type as ProtobufType } from "protobufjs";

export type SchemaFormat = "avro" | "json" | "protobuf";

/** A part's structure in its format's own terms, for code that maps it to other shapes (the lake). */
export type PartDefinition =
  | {
      readonly format: "avro";
      readonly type: AvroType;
      /** The schema object of each type that carried a logicalType (avsc keeps no trace of logical types it does not implement). */
      readonly logical: { get(type: AvroType): Readonly<Record<string, unknown>> | undefined };
    }
  | {
      readonly format: "json";
      /** The whole schema document: every `$ref` in the part resolves against it. */
      readonly root: unknown;
      /** JSON Pointer of the part's schema within the root, e.g. "/properties/value". */
      readonly pointer: string;
    }
  | { readonly format: "protobuf"; readonly type: ProtobufType };

export interface PartSchema {
  /** Whether a record must carry this part: a null key or value is then invalid. */
  readonly required: boolean;
  readonly definition: PartDefinition;
  /** null when `bytes` is a valid encoding of this part, else why not. Never throws. */
  check(bytes: Uint8Array): string | null;
  /** The format's JSON mapping → the bytes a record carries; throws with a message when it does not fit. */
  encode(json: unknown): Uint8Array;
  /** The bytes a record carries → the format's JSON mapping; throws when they are not a valid encoding. */
  decode(bytes: Uint8Array): unknown;
}

export interface TopicSchema {
  readonly format: SchemaFormat;
  /** Where the schema came from, for messages: a path or an s3:// URL. */
  readonly location: string;
  readonly key: PartSchema | null;
  readonly value: PartSchema | null;
}

export type RecordPart = "key" | "value";

/** null when the record's key and value both fit the schema, else why not (the first failing part). */
export function checkRecord(schema: TopicSchema, key: Uint8Array | null, value: Uint8Array | null): string | null {
  return checkPart(schema.key, "key", key) ?? checkPart(schema.value, "value", value);
}

function checkPart(part: PartSchema | null, name: RecordPart, bytes: Uint8Array | null): string | null {
  if (part === null) return null;
  if (bytes === null) return part.required ? `${name} is null but the schema requires one` : null;
  const problem = part.check(bytes);
  return problem === null ? null : `${name}: ${problem}`;
}
