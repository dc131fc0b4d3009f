// One balanced consumer process of the compat group tests (kcat -G, or a Python script's `group`
// command): its output lines become assignments and consumed records; SIGTERM asks it to commit,
// leave the group and exit.

import type { Subprocess } from "bun";

export interface GroupRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

export type MemberEvent = { kind: "assigned"; partitions: number[] } | { kind: "revoked"; partitions: number[] } | { kind: "record"; record: GroupRecord };

export interface MemberCommand {
  argv: string[];
  /** What one line of the process's output reports; null when nothing of interest. */
  parse(line: string, stream: "stdout" | "stderr"): MemberEvent | null;
}

const STOP_TIMEOUT_MS = 15_000;
const LOG_TAIL = 3_000;

export class GroupMember {
  /** The current assignment: empty between a revoke and the next assignment. */
  partitions: number[] = [];
  /** Every partition this member held since the last mark(). */
  heldSinceMark = new Set<number>();
  /** consumed.length at the last mark(). */
  markedAt = 0;
  readonly consumed: GroupRecord[] = [];
  private log = "";
  private stopping = false;
  /** The first output line that could not be read. */
  private unreadable: string | null = null;
  private exitCode: number | null = null;
  private readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  private readonly drained: Promise<void>;

  constructor(
    readonly name: string,
    private readonly command: MemberCommand,
  ) {
    this.proc = Bun.spawn(command.argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    this.drained = Promise.all([this.pump(this.proc.stdout, "stdout"), this.pump(this.proc.stderr, "stderr")]).then(() => undefined);
    void this.proc.exited.then((code) => {
      this.exitCode = code;
    });
  }

  private async pump(stream: ReadableStream<Uint8Array>, which: "stdout" | "stderr"): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of stream) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) this.take(line, which);
    }
    if (pending !== "") this.take(pending, which);
  }

  private take(line: string, which: "stdout" | "stderr"): void {
    let event: MemberEvent | null;
    try {
      event = this.command.parse(line, which);
    } catch (e) {
      this.unreadable ??= e instanceof Error ? e.message : String(e);
      return;
    }
    if (event === null) {
      if (which === "stderr") this.log = (this.log + line + "\n").slice(-LOG_TAIL);
      return;
    }
    if (event.kind === "record") this.consumed.push(event.record);
    else if (event.kind === "revoked") this.partitions = [];
    else {
      this.partitions = [...event.partitions].sort((a, b) => a - b);
      for (const p of this.partitions) this.heldSinceMark.add(p);
    }
  }

  /** Starts a phase: records consumed and partitions held from now on are the phase's. */
  mark(): void {
    this.markedAt = this.consumed.length;
    this.heldSinceMark = new Set(this.partitions);
  }

  sinceMark(): GroupRecord[] {
    return this.consumed.slice(this.markedAt);
  }

  /** Why the member is no use any more (unreadable output, or it exited unasked), or null. */
  failure(): string | null {
    if (this.unreadable !== null) return `${this.name}: ${this.unreadable}`;
    if (this.exitCode === null || this.stopping) return null;
    return `${this.name} exited with ${this.exitCode}:\n${this.log}`;
  }

  describe(): string {
    return `${this.name}: partitions [${this.partitions.join(",")}], ${this.consumed.length} consumed${this.log === "" ? "" : `; stderr ends:\n${this.log.slice(-800)}`}`;
  }

  /** SIGTERM, then waits for the exit and the last output; returns the exit code. */
  async stop(): Promise<number> {
    this.stopping = true;
    this.proc.kill("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), STOP_TIMEOUT_MS);
    });
    const outcome = await Promise.race([this.proc.exited, late]);
    clearTimeout(timer);
    if (outcome === "late") {
      this.proc.kill("SIGKILL");
      throw new Error(`${this.name} did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM:\n${this.log}`);
    }
    await this.drained;
    return outcome;
  }

  /** SIGKILL: the member vanishes without committing or leaving the group. */
  async kill(): Promise<void> {
    this.stopping = true;
    if (this.exitCode === null) this.proc.kill("SIGKILL");
    await this.proc.exited;
  }
}
