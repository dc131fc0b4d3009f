import { describe, expect, test } from "bun:test";
import { ConfigError, brokerConfig } from "../../src/config.ts";
import { groupConfig } from "../../src/groups/coordinator.ts";

describe("group settings", () => {
  test("Kafka's defaults: 3000 ms initial delay, sessions of 6000 ms to 30 minutes", () => {
    expect(groupConfig(brokerConfig([], {}))).toEqual({ initialRebalanceDelayMs: 3000, minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1_800_000 });
  });

  test("flags and their environment twins; a flag wins", () => {
    const env = { GROUP_INITIAL_REBALANCE_DELAY_MS: "0", GROUP_MIN_SESSION_TIMEOUT_MS: "1000", GROUP_MAX_SESSION_TIMEOUT_MS: "60000" };
    expect(groupConfig(brokerConfig([], env))).toEqual({ initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 60_000 });
    expect(brokerConfig(["--group-initial-rebalance-delay-ms", "250"], env).groupInitialRebalanceDelayMs).toBe(250);
  });

  test("a minimum above the maximum, or a negative delay, is a configuration error", () => {
    expect(() => brokerConfig(["--group-min-session-timeout-ms", "7000", "--group-max-session-timeout-ms", "6000"], {})).toThrow(ConfigError);
    expect(() => brokerConfig(["--group-initial-rebalance-delay-ms", "-1"], {})).toThrow(ConfigError);
  });
});
