// Row values as a Delta flavoured file takes them: without Parquet's UUID annotation the writer
// stores a uuid's 16 bytes, so uuid text becomes bytes wherever the type holds a uuid.

import type { LakeType, LakeValue, Row } from "./types.ts";

export function holdsUuid(type: LakeType): boolean {
  switch (type.kind) {
    case "uuid":
      return true;
    case "struct":
      return type.fields.some((f) => holdsUuid(f.type));
    case "list":
      return holdsUuid(type.element);
    case "map":
      return holdsUuid(type.key) || holdsUuid(type.value);
    default:
      return false;
  }
}

export function uuidsAsBytes(type: LakeType, value: LakeValue): LakeValue {
  if (value === null || !holdsUuid(type)) return value;
  switch (type.kind) {
    case "uuid":
      return new Uint8Array(Buffer.from((value as string).replace(/-/g, ""), "hex"));
    case "struct":
      return Object.fromEntries(type.fields.map((f) => [f.name, uuidsAsBytes(f.type, (value as Row)[f.name] ?? null)]));
    case "list":
      return (value as readonly LakeValue[]).map((e) => uuidsAsBytes(type.element, e));
    case "map":
      return new Map([...(value as ReadonlyMap<LakeValue, LakeValue>)].map(([k, e]) => [uuidsAsBytes(type.key, k), uuidsAsBytes(type.value, e)]));
    default:
      return value;
  }
}
