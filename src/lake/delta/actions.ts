// The Delta log actions this writer produces and keeps, in their JSON shape: each line of a commit
// is an object with one key naming the action. Other actions (cdc, domainMetadata, …) are only
// legal on tables whose protocol lists features this writer refuses, so they are not modelled.

export type ProtocolAction = {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  /** Present exactly when minReaderVersion is 3. */
  readonly readerFeatures?: readonly string[];
  /** Present exactly when minWriterVersion is 7. */
  readonly writerFeatures?: readonly string[];
};

export type MetadataAction = {
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  readonly format: { readonly provider: string; readonly options: Readonly<Record<string, string>> };
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly createdTime?: number;
};

export type AddAction = {
  /** A URI relative to the table root (RFC 2396: reserved characters percent-encoded). */
  readonly path: string;
  /** Partition column → value serialized as text; null is a null partition value. */
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** JSON text: {numRecords, minValues, maxValues, nullCount}. */
  readonly stats?: string;
  readonly tags?: Readonly<Record<string, string>>;
};

export type RemoveAction = {
  readonly path: string;
  readonly deletionTimestamp?: number;
  readonly dataChange: boolean;
};

export type TxnAction = {
  readonly appId: string;
  readonly version: bigint;
  readonly lastUpdated?: number;
};

export type CommitInfoAction = {
  readonly timestamp: number;
  readonly operation: string;
  readonly operationParameters: Readonly<Record<string, string>>;
  readonly isBlindAppend: boolean;
  readonly engineInfo: string;
};

export type Action =
  | { readonly protocol: ProtocolAction }
  | { readonly metaData: MetadataAction }
  | { readonly add: AddAction }
  | { readonly remove: RemoveAction }
  | { readonly txn: TxnAction }
  | { readonly commitInfo: CommitInfoAction };
