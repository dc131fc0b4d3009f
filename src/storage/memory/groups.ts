// Consumer group states with compare-and-swap by version. Versions come from one counter, so a
// group deleted and created again never gets a version it had before.

import type { GroupWriteResult, StoredGroup } from "../engine.ts";
import { AppendNotifier } from "./notifier.ts";

export class GroupRegistry {
  private readonly groups = new Map<string, StoredGroup>();
  private nextVersion = 1;
  private readonly notifier = new AppendNotifier();

  /** Pending waitForGroupChange registrations (for leak checks). */
  get waiters(): number {
    return this.notifier.size;
  }

  get(groupId: string): StoredGroup | null {
    const group = this.groups.get(groupId);
    return group === undefined ? null : { ...group };
  }

  put(groupId: string, state: string, expectedVersion: string | null): GroupWriteResult {
    const current = this.get(groupId);
    if ((current?.version ?? null) !== expectedVersion) return { ok: false, current };
    const version = String(this.nextVersion++);
    this.groups.set(groupId, { groupId, version, state });
    this.notifier.notify(groupId);
    return { ok: true, version };
  }

  delete(groupId: string, expectedVersion: string): boolean {
    if (this.groups.get(groupId)?.version !== expectedVersion) return false;
    this.groups.delete(groupId);
    this.notifier.notify(groupId);
    return true;
  }

  list(): StoredGroup[] {
    return [...this.groups.values()].map((group) => ({ ...group }));
  }

  async wait(groupId: string, sinceVersion: string | null, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if ((this.groups.get(groupId)?.version ?? null) !== sinceVersion) return;
    await this.notifier.wait([groupId], timeoutMs, signal);
  }

  wakeAll(): void {
    this.notifier.notifyAll();
  }
}
