// Reaching the store: the probe runs at start and, while it fails, again with backoff; one log
// line per distinct problem (missing bucket, refused credentials, unreachable endpoint, no
// conditional writes). Operations wait for it a bounded time, then fail as unavailable.

import { StorageError } from "../engine.ts";
import type { Logger } from "../../log.ts";
import type { Keys } from "./keys.ts";
import { probeStore, type StoreTraits } from "./probe.ts";
import { sleep } from "./retry.ts";
import type { EtagStyle } from "./settings.ts";
import type { ObjectStore } from "./store.ts";

export class Connection {
  private traits: StoreTraits | null = null;
  private problem = "connecting";
  private closed = false;
  private readonly connected: Promise<StoreTraits>;

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: Keys,
    private readonly style: EtagStyle,
    private readonly log: Logger,
    private readonly where: string,
  ) {
    this.connected = this.connect();
    this.connected.catch(() => {});
  }

  get ready(): boolean {
    return this.traits !== null;
  }

  /** Resolves with the store's traits once probed; for the first probe at start. */
  firstAttempt(timeoutMs: number): Promise<void> {
    return Promise.race([this.connected.then(() => {}), sleep(timeoutMs)]);
  }

  onConnected(then: (traits: StoreTraits) => void): void {
    void this.connected.then(then, () => {});
  }

  /** Waits up to timeoutMs for the store; throws StorageError("unavailable") naming the problem. */
  async wait(timeoutMs: number): Promise<void> {
    if (this.traits !== null) return;
    await Promise.race([this.connected, sleep(timeoutMs)]);
    if (this.traits === null) throw new StorageError("unavailable", `${this.where}: ${this.problem}`);
  }

  close(): void {
    this.closed = true;
  }

  private async connect(): Promise<StoreTraits> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new StorageError("unavailable", "engine closed");
      try {
        const traits = await probeStore(this.store, this.keys, this.style);
        this.store.quotedIfMatch = traits.quotedIfMatch;
        this.traits = traits;
        this.log.info("s3 storage ready", { location: this.where, ifMatch: traits.quotedIfMatch ? "quoted" : "bare", md5Etags: traits.md5Etags });
        return traits;
      } catch (e) {
        const problem = e instanceof Error ? e.message : String(e);
        if (problem !== this.problem) this.log.error(`s3 storage unavailable: ${problem}`, { location: this.where, retrying: true });
        this.problem = problem;
        await sleep(Math.min(5_000, 250 * 2 ** Math.min(attempt, 5)));
      }
    }
  }
}
