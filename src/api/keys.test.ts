import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase, type RxdeskDb } from "../db/open.js";
import { AuditLog, verifyAudit } from "./audit.js";
import { KEY_RECHECK_MS, KeyStore, KeyStoreError } from "./keys.js";

const BY = { data: { via: "test" } };

describe("API key store", () => {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-keys-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const opened: RxdeskDb[] = [];
  afterEach(async () => {
    for (const h of opened.splice(0)) await h.close();
  });
  let n = 0;
  /** A key store on a fresh SQLite file, or on `file` again (a second process). */
  async function store(file = join(dir, `keys-${++n}.sqlite3`), clock?: () => number): Promise<KeyStore> {
    const h = await openDatabase({ engine: "sqlite", file });
    opened.push(h);
    return new KeyStore(h.db, new AuditLog(h.db, h.engine), clock ? { clock } : {});
  }

  it("verifies a key to its principal and stores only the secret's hash", async () => {
    const keys = await store();
    const { key, record } = await keys.create(
      { role: "pharmacist", terminalId: "counter-1", pharmacistId: "e123456783" },
      BY,
    );
    expect(await keys.verify(key)).toEqual({
      keyId: record.id,
      label: "pharmacist@counter-1",
      role: "pharmacist",
      terminalId: "counter-1",
      pharmacistId: "E123456783",
    });
    const secret = key.slice("rxk_0123456789abcdef_".length);
    const rows = await keys.db.selectFrom("api_keys").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(await keys.verify(`${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`)).toBeUndefined();
    expect(await keys.verify(key.replace(record.id, "0123456789abcdef"))).toBeUndefined();
    expect(await keys.verify("")).toBeUndefined();
    expect(await keys.verify(`${key} `)).toBeUndefined();
  });

  it("refuses bad key requests, storing and auditing nothing", async () => {
    const keys = await store();
    await expect(keys.create({ role: "pharmacist", terminalId: "counter-1" }, BY)).rejects.toThrow(KeyStoreError);
    await expect(keys.create({ role: "owner", terminalId: "bad terminal" }, BY)).rejects.toThrow(/terminalId/);
    await expect(keys.create({ role: "owner", terminalId: "office", pharmacistId: "A123456788" }, BY)).rejects.toThrow(
      /pharmacistId/,
    );
    await expect(keys.create({ role: "admin" as "owner", terminalId: "office" }, BY)).rejects.toThrow(/role/);
    expect(await keys.list()).toEqual([]);
    expect(await keys.audit.read()).toEqual([]);
  });

  it("sees a key created by another process at once and its revoke within KEY_RECHECK_MS; audits each once", async () => {
    const file = join(dir, "shared.sqlite3");
    let now = 1_000_000;
    const server = await store(file, () => now);
    const cli = await store(file);
    const { key, record } = await cli.create({ role: "owner", terminalId: "office" }, BY);
    expect((await server.verify(key))?.role).toBe("owner");
    expect((await cli.revoke(record.id, BY))?.revokedAt).toBeTruthy();
    now += KEY_RECHECK_MS - 1;
    expect((await server.verify(key))?.role).toBe("owner");
    now += 1;
    expect(await server.verify(key)).toBeUndefined();
    // Revoking again changes nothing and is not audited again; an unknown id is undefined.
    expect((await server.revoke(record.id, BY))?.revokedAt).toBeTruthy();
    expect(await server.revoke("0123456789abcdef", BY)).toBeUndefined();
    const entries = await server.audit.read();
    expect(entries.map((e) => [e.type, e.data])).toEqual([
      ["key-created", { via: "test", newKeyId: record.id, role: "owner", terminalId: "office" }],
      ["key-revoked", { via: "test", revokedKeyId: record.id }],
    ]);
    expect(await verifyAudit(server.db)).toEqual({ ok: true, entries: 2 });
  });

  it("answers requests arriving together each for its own key, sharing reads", async () => {
    const keys = await store();
    const a = await keys.create({ role: "owner", terminalId: "office" }, BY);
    const b = await keys.create({ role: "pharmacist", terminalId: "counter-2", pharmacistId: "E123456783" }, BY);
    const revoked = await keys.create({ role: "owner", terminalId: "old" }, BY);
    await keys.revoke(revoked.record.id, BY);
    const presented = [a.key, b.key, revoked.key, a.key, `rxk_0123456789abcdef_${"A".repeat(43)}`, b.key];
    const reads = vi.spyOn(keys.db, "selectFrom");
    const principals = await Promise.all(presented.map((key) => keys.verify(key)));
    // The first request's key is read at once; the five that came meanwhile share the next read.
    expect(reads).toHaveBeenCalledTimes(2);
    expect(principals.map((p) => p?.terminalId)).toEqual([
      "office",
      "counter-2",
      undefined,
      "office",
      undefined,
      "counter-2",
    ]);
  });

  it("reads a key once per KEY_RECHECK_MS; a revoke here works at once, even against a read in flight", async () => {
    let now = 5_000_000;
    const keys = await store(undefined, () => now);
    const { key, record } = await keys.create({ role: "owner", terminalId: "office" }, BY);
    const reads = vi.spyOn(keys.db, "selectFrom");
    for (let i = 0; i < 5; i++) expect((await keys.verify(key))?.terminalId).toBe("office");
    expect(reads).toHaveBeenCalledTimes(1);
    now += KEY_RECHECK_MS;
    expect((await keys.verify(key))?.terminalId).toBe("office");
    expect(reads).toHaveBeenCalledTimes(2);
    // A verify whose read began before the revoke may answer as it read, but is not remembered past it.
    now += KEY_RECHECK_MS;
    const racing = keys.verify(key);
    await keys.revoke(record.id, BY);
    await racing;
    expect(await keys.verify(key)).toBeUndefined();
    // Unknown keys are read every time (the failed-login limiter, not memory, bounds them).
    const unknown = `rxk_0123456789abcdef_${"A".repeat(43)}`;
    const before = reads.mock.calls.length;
    for (let i = 0; i < 3; i++) expect(await keys.verify(unknown)).toBeUndefined();
    expect(reads.mock.calls.length - before).toBe(3);
  });
});
