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
  private attempted: () => void = () => {};
  private readonly firstAttempted = new Promise<void>((resolve) => (this.attempted = resolve));

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

  /** Resolves when the first probe has ended, well or badly (or after timeoutMs). */
  firstAttempt(timeoutMs: number): Promise<void> {
    return Promise.race([this.firstAttempted, sleep(timeoutMs)]);
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
        this.attempted();
        return traits;
      } catch (e) {
        // StorageError messages start with their code; the reason alone is kept.
        const problem = e instanceof StorageError ? e.message.replace(/^[a-z-]+: /, "") : e instanceof Error ? e.message : String(e);
        if (problem !== this.problem) this.log.error(`s3 storage unavailable: ${problem}`, { location: this.where, retrying: true });
        this.problem = problem;
        this.attempted();
        await sleep(Math.min(5_000, 250 * 2 ** Math.min(attempt, 5)));
      }
    }
  }
}
