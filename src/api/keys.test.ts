import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KeyStore, KeyStoreError } from "./keys.js";

describe("API key store", () => {
  const dirs: string[] = [];
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), "rxdesk-keys-"));
    dirs.push(dir);
    return join(dir, "api-keys.json");
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("verifies a key to its principal and stores only the secret's hash", () => {
    const store = new KeyStore(file());
    const { key, record } = store.create({ role: "pharmacist", terminalId: "counter-1", pharmacistId: "e123456783" });
    expect(store.verify(key)).toEqual({
      keyId: record.id,
      label: "pharmacist@counter-1",
      role: "pharmacist",
      terminalId: "counter-1",
      pharmacistId: "E123456783",
    });
    const secret = key.split("_")[2]!;
    expect(readFileSync(store.file!, "utf8")).not.toContain(secret);
    expect(store.verify(`${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`)).toBeUndefined();
    expect(store.verify(key.replace(record.id, "0123456789abcdef"))).toBeUndefined();
    expect(store.verify("")).toBeUndefined();
    expect(store.verify(`${key} `)).toBeUndefined();
  });

  it("refuses bad key requests", () => {
    const store = new KeyStore(file());
    expect(() => store.create({ role: "pharmacist", terminalId: "counter-1" })).toThrow(KeyStoreError);
    expect(() => store.create({ role: "owner", terminalId: "bad terminal" })).toThrow(/terminalId/);
    expect(() => store.create({ role: "owner", terminalId: "office", pharmacistId: "A123456788" })).toThrow(
      /pharmacistId/,
    );
    expect(() => store.create({ role: "admin" as "owner", terminalId: "office" })).toThrow(/role/);
    expect(store.list()).toEqual([]);
  });

  it("sees keys created and revoked by another process (the CLI) without a restart", () => {
    const path = file();
    const server = new KeyStore(path, 0);
    const cli = new KeyStore(path, 0);
    const { key, record } = cli.create({ role: "owner", terminalId: "office" });
    expect(server.verify(key)?.role).toBe("owner");
    cli.revoke(record.id);
    expect(server.verify(key)).toBeUndefined();
  });
});
