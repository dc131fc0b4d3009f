// Record batch attributes (int16): bits 0–2 codec, bit 3 timestamp type, bit 4 transactional,
// bit 5 control, bit 6 delete horizon (set by compaction; nothing here depends on it).

export type Codec = "none" | "gzip" | "snappy" | "lz4" | "zstd";
export type TimestampType = "CreateTime" | "LogAppendTime";

/** Indexed by the codec bits of the attributes. */
export const CODECS: readonly Codec[] = ["none", "gzip", "snappy", "lz4", "zstd"];

export const CODEC_MASK = 0x07;
export const LOG_APPEND_TIME_FLAG = 0x08;
export const TRANSACTIONAL_FLAG = 0x10;
export const CONTROL_FLAG = 0x20;
export const DELETE_HORIZON_FLAG = 0x40;

export function codecId(codec: Codec): number {
  return CODECS.indexOf(codec);
}

export interface AttributeOptions {
  codec?: Codec;
  timestampType?: TimestampType;
  transactional?: boolean;
  control?: boolean;
}

export function composeAttributes(o: AttributeOptions): number {
  let attributes = codecId(o.codec ?? "none");
  if (o.timestampType === "LogAppendTime") attributes |= LOG_APPEND_TIME_FLAG;
  if (o.transactional) attributes |= TRANSACTIONAL_FLAG;
  if (o.control) attributes |= CONTROL_FLAG;
  return attributes;
}
