import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runTsx } from "../test/support/process.js";
import { ConfigError, DEMO_PHARMACY, parseConfig } from "./config.js";

describe("configuration", () => {
  it("defaults to the demo pharmacy and ./data when nothing is set", () => {
    expect(parseConfig({}, "/srv/rx")).toEqual({
      dataDir: "/srv/rx/data",
      databaseUrl: undefined,
      pharmacy: { ...DEMO_PHARMACY, phone: undefined, address: undefined },
      pharmacistId: undefined,
      logLevel: "info",
      pgUser: undefined,
      linuxConsole: false,
    });
  });

  it("reads every documented variable, blank ones as unset", () => {
    const config = parseConfig(
      {
        RXDESK_DATA_DIR: "rx-data",
        RXDESK_DATABASE_URL: "postgres:///rxdesk?host=/var/run/postgresql",
        RXDESK_PHARMACY_CODE: "5901099999",
        RXDESK_PHARMACY_NAME: "健康藥局",
        RXDESK_PHARMACY_PHONE: " ",
        RXDESK_PHARMACY_ADDRESS: "台北市",
        RXDESK_PHARMACIST_ID: "e123456783",
        RXDESK_LOG_LEVEL: "warn",
        PGUSER: "rxdesk",
        TERM: "linux",
      },
      "/srv",
    );
    expect(config).toEqual({
      dataDir: resolve("/srv/rx-data"),
      databaseUrl: "postgres:///rxdesk?host=/var/run/postgresql",
      pharmacy: { pharmacyCode: "5901099999", name: "健康藥局", phone: undefined, address: "台北市" },
      pharmacistId: "E123456783",
      logLevel: "warn",
      pgUser: "rxdesk",
      linuxConsole: true,
    });
  });

  it("is on the Linux text console only when TERM is linux", () => {
    expect(parseConfig({ TERM: "xterm-256color" }).linuxConsole).toBe(false);
    expect(parseConfig({ TERM: "linux" }).linuxConsole).toBe(true);
  });

  it("names every bad variable in one error", () => {
    const bad = () =>
      parseConfig({
        RXDESK_DATABASE_URL: "mysql://x",
        RXDESK_PHARMACY_CODE: "12345",
        RXDESK_PHARMACIST_ID: "A123456788",
        RXDESK_LOG_LEVEL: "loud",
      });
    expect(bad).toThrow(ConfigError);
    const problems = (() => {
      try {
        bad();
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems?.map((p) => p.split(":")[0]).sort()).toEqual([
      "RXDESK_DATABASE_URL",
      "RXDESK_LOG_LEVEL",
      "RXDESK_PHARMACIST_ID",
      "RXDESK_PHARMACY_CODE",
    ]);
  });

  it("stops the CLI with the reason, not a stack trace, when a variable is bad", async () => {
    const result = await runTsx(["src/cli/main.ts", "keys", "list", "--data-dir", "/nonexistent-rxdesk"], {
      env: { ...process.env, RXDESK_DATABASE_URL: "mysql://x" },
    });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/設定錯誤 \/ invalid configuration:\n {2}RXDESK_DATABASE_URL: must be a postgres/);
    expect(result.err).not.toMatch(/at .*\.ts:\d+/);
  });
});
