// Protobuf (TOPIC.proto): messages named Key and/or Value, at the top level of the file's package;
// a record's key or value is that message's binary wire encoding. A defined part is required: a
// message with every field at its default encodes as zero bytes, which is an empty key or value,
// not a null one. Imports of google/protobuf/*.proto (the well-known types) come with protobufjs;
// other imports are not supported. The CLI's JSON is ProtoJSON, protobuf's canonical JSON mapping.

import type { Type } from "protobufjs";
import { WireChecker } from "./protobuf-wire.ts";
import type { PartSchema } from "./types.ts";

type ProtoJson = typeof import("protobufjs/ext/protojson.js");

function part(type: Type, wire: WireChecker, protojson: ProtoJson): PartSchema {
  return {
    required: true,
    definition: { format: "protobuf", type },
    check: (bytes) => wire.problem(type, bytes),
    encode: (json) => type.encode(protojson.fromJson(type, json)).finish(),
    decode(bytes) {
      const problem = wire.problem(type, bytes);
      if (problem !== null) throw new Error(problem);
      return protojson.toJson(type, type.decode(bytes)) as unknown;
    },
  };
}

export async function compileProtobuf(text: string): Promise<{ key: PartSchema | null; value: PartSchema | null }> {
  const pb = await import("protobufjs");
  const protojson = await import("protobufjs/ext/protojson.js");
  const root = new pb.Root();
  const parsed = pb.parse(text, root, { keepCase: true });
  for (const name of parsed.imports ?? []) {
    const wellKnown = name.startsWith("google/protobuf/") ? pb.common.get(name) : null;
    if (wellKnown === null) throw new Error(`import "${name}" is not supported (only google/protobuf/*.proto)`);
    root.addJSON(wellKnown.nested ?? {});
  }
  root.resolveAll();
  const scope = parsed.package === undefined ? root : root.lookup(parsed.package);
  const find = (name: string): Type | null => {
    const found = scope instanceof pb.Namespace ? scope.get(name) : null;
    return found instanceof pb.Type ? found : null;
  };
  const wire = new WireChecker(pb);
  const [key, value] = [find("Key"), find("Value")];
  if (key === null && value === null) throw new Error(`no message Key or Value${parsed.package === undefined ? "" : ` in package ${parsed.package}`}`);
  for (const type of [key, value]) if (type !== null) wire.prepare(type);
  return { key: key && part(key, wire, protojson), value: value && part(value, wire, protojson) };
}
