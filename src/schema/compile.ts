// A schema file's text → a TopicSchema. Each format's library loads on first use, so a broker whose
// topics have no schema of a kind never loads its library.

import type { SchemaFormat, TopicSchema } from "./types.ts";

/** TOPIC + extension names a topic's schema file; at most one may exist per topic. */
export const SCHEMA_FILES: readonly { extension: string; format: SchemaFormat }[] = [
  { extension: ".avsc", format: "avro" },
  { extension: ".json", format: "json" },
  { extension: ".proto", format: "protobuf" },
];

export async function compileSchema(format: SchemaFormat, text: string, location: string): Promise<TopicSchema> {
  const compile =
    format === "avro"
      ? (await import("./avro.ts")).compileAvro
      : format === "json"
        ? (await import("./json-schema.ts")).compileJsonSchema
        : (await import("./protobuf.ts")).compileProtobuf;
  const { key, value } = await compile(text);
  return { format, location, key, value };
}
