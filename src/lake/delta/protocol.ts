// Which protocol a table needs and whether this writer may write a table's protocol. Writer version 2
// asks writers to respect append-only tables and column invariants: this writer only appends and
// never declares invariants. timestamp_ntz columns need reader 3 / writer 7 with the timestampNtz
// feature in both feature lists. Other features change what readers and writers must do (column
// mapping, deletion vectors, CHECK constraints, …), so a table that has them is refused.

import type { ProtocolAction } from "./actions.ts";
import { DeltaTableError } from "./error.ts";

const TIMESTAMP_NTZ = "timestampNtz";
const READER_FEATURES: ReadonlySet<string> = new Set([TIMESTAMP_NTZ]);
const WRITER_FEATURES: ReadonlySet<string> = new Set(["appendOnly", "invariants", TIMESTAMP_NTZ]);
/** The features writer version 2 implies, listed when such a table moves to writer version 7. */
const WRITER_V2_FEATURES = ["appendOnly", "invariants"];

const BASE_PROTOCOL: ProtocolAction = { minReaderVersion: 1, minWriterVersion: 2 };

export function assertWritable(protocol: ProtocolAction): void {
  const { minReaderVersion: reader, minWriterVersion: writer } = protocol;
  const unknownReader = reader === 3 ? (protocol.readerFeatures ?? []).filter((name) => !READER_FEATURES.has(name)) : [];
  const unknownWriter = writer === 7 ? (protocol.writerFeatures ?? []).filter((name) => !WRITER_FEATURES.has(name)) : [];
  if (reader === 2 || reader > 3 || (writer > 2 && writer < 7) || writer > 7) {
    throw new DeltaTableError(`Delta table needs reader version ${reader} and writer version ${writer}; this writer supports readers 1 and 3, writers 1, 2 and 7`);
  }
  if (unknownReader.length > 0 || unknownWriter.length > 0) {
    throw new DeltaTableError(`Delta table uses features this writer does not implement: ${[...new Set([...unknownReader, ...unknownWriter])].join(", ")}`);
  }
}

const hasNtz = (protocol: ProtocolAction): boolean =>
  (protocol.readerFeatures ?? []).includes(TIMESTAMP_NTZ) && (protocol.writerFeatures ?? []).includes(TIMESTAMP_NTZ);

/** The protocol action a commit must carry: one for a new table, an upgrade when the schema gains timestamp_ntz, else none. */
export function protocolToWrite(current: ProtocolAction | undefined, timestampNtz: boolean): ProtocolAction | undefined {
  if (!timestampNtz) return current === undefined ? BASE_PROTOCOL : undefined;
  if (current !== undefined && hasNtz(current)) return undefined;
  const implied = current === undefined || current.minWriterVersion < 2 ? [] : WRITER_V2_FEATURES;
  const writerFeatures = current?.minWriterVersion === 7 ? (current.writerFeatures ?? []) : implied;
  return {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: [...new Set([...(current?.readerFeatures ?? []), TIMESTAMP_NTZ])],
    writerFeatures: [...new Set([...writerFeatures, TIMESTAMP_NTZ])],
  };
}
