// The Avro schema of a manifest's entries (table spec, "Manifests"), with the spec's field ids; the
// partition struct has one optional int per partition field, the type of the day transform.

import type { AvroSchema } from "./avro-file.ts";
import type { PartitionSpec } from "./partition.ts";

/** An Iceberg field in Avro: its field id beside it; optional ones are unions with null. */
export const optional = (name: string, fieldId: number, type: AvroSchema): AvroSchema => ({ name, type: ["null", type], default: null, "field-id": fieldId });
export const required = (name: string, fieldId: number, type: AvroSchema): AvroSchema => ({ name, type, "field-id": fieldId });

/** map<int, V> as the spec stores maps with non-string keys: an array of key/value records. */
function intMap(name: string, fieldId: number, keyId: number, valueId: number, value: string): AvroSchema {
  const entry = { type: "record", name: `k${keyId}_v${valueId}`, fields: [required("key", keyId, "int"), required("value", valueId, value)] };
  return optional(name, fieldId, { type: "array", logicalType: "map", items: entry });
}

export function manifestEntrySchema(spec: PartitionSpec): AvroSchema {
  const partition = { type: "record", name: "r102", fields: spec.fields.map((f) => optional(f.name, f["field-id"], "int")) };
  const dataFile = {
    type: "record",
    name: "r2",
    fields: [
      required("content", 134, "int"),
      required("file_path", 100, "string"),
      required("file_format", 101, "string"),
      required("partition", 102, partition),
      required("record_count", 103, "long"),
      required("file_size_in_bytes", 104, "long"),
      intMap("column_sizes", 108, 117, 118, "long"),
      intMap("value_counts", 109, 119, 120, "long"),
      intMap("null_value_counts", 110, 121, 122, "long"),
      intMap("nan_value_counts", 137, 138, 139, "long"),
      intMap("lower_bounds", 125, 126, 127, "bytes"),
      intMap("upper_bounds", 128, 129, 130, "bytes"),
      optional("key_metadata", 131, "bytes"),
      optional("split_offsets", 132, { type: "array", items: "long", "element-id": 133 }),
      optional("equality_ids", 135, { type: "array", items: "int", "element-id": 136 }),
      optional("sort_order_id", 140, "int"),
    ],
  };
  return {
    type: "record",
    name: "manifest_entry",
    fields: [required("status", 0, "int"), optional("snapshot_id", 1, "long"), optional("sequence_number", 3, "long"), optional("file_sequence_number", 4, "long"), required("data_file", 2, dataFile)],
  };
}
