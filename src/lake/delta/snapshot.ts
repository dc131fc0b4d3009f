// A table's state at one version, by Delta's action reconciliation: the latest protocol and metaData
// win, the latest txn per appId wins, and a logical file (keyed by path: this writer refuses tables
// with deletion vectors) is live when its newest action is an add and a tombstone when it is a remove.

import type { Action, AddAction, MetadataAction, ProtocolAction, RemoveAction, TxnAction } from "./actions.ts";
import { DeltaTableError } from "./error.ts";

export interface DeltaSnapshot {
  readonly version: number;
  readonly protocol: ProtocolAction;
  readonly metaData: MetadataAction;
  readonly txns: ReadonlyMap<string, TxnAction>;
  readonly adds: ReadonlyMap<string, AddAction>;
  readonly removes: ReadonlyMap<string, RemoveAction>;
}

export class Reconciliation {
  private protocol: ProtocolAction | undefined;
  private metaData: MetadataAction | undefined;
  private readonly txns: Map<string, TxnAction>;
  private readonly adds: Map<string, AddAction>;
  private readonly removes: Map<string, RemoveAction>;

  /** Starts from a snapshot (its maps are copied, never changed) or from an empty table. */
  constructor(from?: DeltaSnapshot) {
    this.protocol = from?.protocol;
    this.metaData = from?.metaData;
    this.txns = new Map(from?.txns);
    this.adds = new Map(from?.adds);
    this.removes = new Map(from?.removes);
  }

  apply(action: Action): void {
    if ("protocol" in action) this.protocol = action.protocol;
    else if ("metaData" in action) this.metaData = action.metaData;
    else if ("txn" in action) this.txns.set(action.txn.appId, action.txn);
    else if ("add" in action) {
      this.removes.delete(action.add.path);
      this.adds.set(action.add.path, action.add);
    } else if ("remove" in action) {
      this.adds.delete(action.remove.path);
      this.removes.set(action.remove.path, action.remove);
    }
  }

  /** The state after the last apply; the snapshot shares this reconciliation's maps, so apply no more. */
  snapshot(version: number): DeltaSnapshot {
    if (this.protocol === undefined || this.metaData === undefined) {
      throw new DeltaTableError(`Delta table version ${version} has no ${this.protocol === undefined ? "protocol" : "metaData"} action`);
    }
    return { version, protocol: this.protocol, metaData: this.metaData, txns: this.txns, adds: this.adds, removes: this.removes };
  }
}

/** The actions a checkpoint holds for a snapshot: protocol, metaData, txns, live files, tombstones. */
export function checkpointActions(snapshot: DeltaSnapshot): Action[] {
  return [
    { protocol: snapshot.protocol },
    { metaData: snapshot.metaData },
    ...[...snapshot.txns.values()].map((txn) => ({ txn })),
    ...[...snapshot.adds.values()].map((add) => ({ add })),
    ...[...snapshot.removes.values()].map((remove) => ({ remove })),
  ];
}
