// A compiled schema part → its lake type and a reader from a record's bytes to the row value,
// each format decoding with its own library.

import type { PartSchema } from "../schema/types.ts";
import { AvroMapping } from "./map-avro.ts";
import { JsonMapping } from "./map-json.ts";
import { ProtobufMapping } from "./map-protobuf.ts";
import { type Ids, type Mapping, ValueError } from "./map-shared.ts";
import type { LakeType, LakeValue } from "./types.ts";

export interface MappedPart {
  /** With provisional field ids. */
  readonly type: LakeType;
  /** Whether the part may be null: the record may lack it, or its encoding may stand for null. */
  readonly optional: boolean;
  /** A record's bytes → the value; throws when they are not a valid encoding of the part. */
  read(bytes: Uint8Array): LakeValue;
}

function formatMapping(part: PartSchema, ids: Ids): { part(): Mapping; decode(bytes: Uint8Array): unknown } {
  const definition = part.definition;
  switch (definition.format) {
    case "avro":
      return new AvroMapping(definition, ids);
    case "json":
      return new JsonMapping(definition, ids);
    case "protobuf": {
      const protobuf = new ProtobufMapping(definition.type, ids);
      return {
        part: () => protobuf.part(),
        decode(bytes) {
          // protobufjs decodes whatever the wire types say; the schema's check refuses mismatches
          const problem = part.check(bytes);
          if (problem !== null) throw new ValueError(problem);
          return protobuf.decode(bytes);
        },
      };
    }
  }
}

export function mapPart(part: PartSchema, ids: Ids): MappedPart {
  const format = formatMapping(part, ids);
  const mapping = format.part();
  return { type: mapping.type, optional: !part.required || mapping.optional, read: (bytes) => mapping.convert(format.decode(bytes)) };
}
