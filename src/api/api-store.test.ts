/**
 * Keys and the audit trail in the database, as processes use them: `rxdesk keys create|revoke` run in parallel lose
 * nothing and every revocation holds; their audit entries form one intact chain; and a data folder from before
 * (api-keys.json, api-audit.jsonl) is imported on first start without losing a key or an entry.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createThrowawayDatabase, PG_SOCKET_DIR } from "../../test/support/postgres.js";
import { runTsx } from "../../test/support/process.js";
import { openApiStore } from "./api-store.js";
import { type AuditEntry, GENESIS, hashEntry, verifyAudit } from "./audit.js";

const dir = mkdtempSync(join(tmpdir(), "rxdesk-api-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(env: NodeJS.ProcessEnv, ...args: string[]) {
  // The real CLI, which loads only the named command's module.
  return runTsx(["src/cli/main.ts", ...args], { env: { ...process.env, ...env } });
}

describe.each(["sqlite", "postgres"] as const)("keys from parallel processes on %s", (engine) => {
  it("10 creates and 6 revokes at once lose nothing, no revoked key works, the audit chain stays intact", async () => {
    const dataDir = join(dir, engine);
    const database = engine === "postgres" ? await createThrowawayDatabase() : undefined;
    const env: NodeJS.ProcessEnv = database
      ? {
          RXDESK_DATABASE_URL: `postgres://${userInfo().username}@localhost/${database.name}?host=${encodeURIComponent(PG_SOCKET_DIR)}`,
        }
      : {};
    try {
      const create = (i: number) =>
        cli(env, "keys", "create", "--role", "owner", "--terminal", `t-${i}`, "--data-dir", dataDir, "--json");
      const first = await Promise.all([0, 1, 2, 3, 4, 5].map(create));
      const toRevoke = first.map((r) => JSON.parse(r.out) as { key: string; record: { id: string } });
      const results = await Promise.all([
        ...[6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map(create),
        ...toRevoke.map((k) => cli(env, "keys", "revoke", k.record.id, "--data-dir", dataDir)),
      ]);
      for (const r of [...first, ...results]) expect([r.code, r.err]).toEqual([0, expect.any(String)]);
      const kept = results.slice(0, 10).map((r) => JSON.parse(r.out) as { key: string; record: { id: string } });

      const store = await openApiStore(
        dataDir,
        database ? { engine: "postgres", connection: database.connection } : undefined,
      );
      try {
        const listed = await store.keys.list();
        expect(listed).toHaveLength(16);
        expect(
          listed
            .filter((k) => k.revokedAt)
            .map((k) => k.id)
            .sort(),
        ).toEqual(toRevoke.map((k) => k.record.id).sort());
        for (const k of kept) expect(await store.keys.verify(k.key)).toMatchObject({ keyId: k.record.id });
        for (const k of toRevoke) expect(await store.keys.verify(k.key)).toBeUndefined();
        const entries = await store.audit.read();
        expect(entries.filter((e) => e.type === "key-created")).toHaveLength(16);
        expect(entries.filter((e) => e.type === "key-revoked")).toHaveLength(6);
        expect(entries.every((e) => e.data?.via === "cli")).toBe(true);
        expect(await verifyAudit(store.audit.db)).toEqual({ ok: true, entries: 22 });
      } finally {
        await store.close();
      }
      const verified = await cli(env, "audit", "verify", "--data-dir", dataDir);
      expect([verified.code, JSON.parse(verified.out)]).toEqual([0, { ok: true, entries: 22 }]);
    } finally {
      await database?.drop();
    }
  }, 300_000);
});

describe("a data folder from before keys and audit moved into the database", () => {
  function legacyAudit(count: number): string[] {
    let prev = GENESIS;
    const lines: string[] = [];
    for (let seq = 1; seq <= count; seq++) {
      const base = { seq, at: `2024-03-21T0${seq}:00:00.000Z`, type: "dispensing" as const, data: { n: seq }, prev };
      const entry: AuditEntry = { ...base, hash: hashEntry(base) };
      lines.push(JSON.stringify(entry));
      prev = entry.hash;
    }
    return lines;
  }
  const oldKey = {
    id: "00112233445566aa",
    label: "owner@office",
    role: "owner",
    terminalId: "office",
    // sha256 of the secret below
    secretHash: "",
    createdAt: "2024-03-01T00:00:00.000Z",
  };

  it("imports api-keys.json and api-audit.jsonl once; old keys work and the chain continues", async () => {
    const dataDir = join(dir, "legacy");
    const { createHash } = await import("node:crypto");
    const secret = "A".repeat(43);
    const revokedKey = { ...oldKey, id: "00112233445566bb", revokedAt: "2024-03-02T00:00:00.000Z" };
    const key = { ...oldKey, secretHash: createHash("sha256").update(secret).digest("hex") };
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      join(dataDir, "api-keys.json"),
      JSON.stringify({ version: 1, keys: [key, { ...revokedKey, secretHash: key.secretHash }] }),
    );
    writeFileSync(join(dataDir, "api-audit.jsonl"), `${legacyAudit(3).join("\n")}\n`);
    const store = await openApiStore(dataDir);
    try {
      expect(existsSync(join(dataDir, "api-keys.json"))).toBe(false);
      expect(existsSync(join(dataDir, "api-keys.json.imported"))).toBe(true);
      expect(existsSync(join(dataDir, "api-audit.jsonl.imported"))).toBe(true);
      expect(await store.keys.verify(`rxk_${oldKey.id}_${secret}`)).toMatchObject({ role: "owner" });
      expect(await store.keys.verify(`rxk_${revokedKey.id}_${secret}`)).toBeUndefined();
      await store.audit.append({ type: "export", data: { n: 5 } });
      const entries = await store.audit.read();
      expect(entries.map((e) => [e.seq, e.type, e.data?.n])).toEqual([
        [1, "dispensing", 1],
        [2, "dispensing", 2],
        [3, "dispensing", 3],
        [4, "key-imported", undefined],
        [5, "export", 5],
      ]);
      // The import itself is a key change: audited once, naming every key it brought in.
      expect(entries[3]!.data).toEqual({
        via: "import",
        file: "api-keys.json",
        keyIds: [oldKey.id, revokedKey.id],
        revokedKeyIds: [revokedKey.id],
      });
      expect(await verifyAudit(store.audit.db)).toEqual({ ok: true, entries: 5 });
    } finally {
      await store.close();
    }
  });

  it("keeps every line of an audit file two processes broke (a seq written twice), and verify shows where", async () => {
    const dataDir = join(dir, "broken");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dataDir, { recursive: true });
    const lines = legacyAudit(3);
    writeFileSync(
      join(dataDir, "api-audit.jsonl"),
      `${[lines[0], lines[1], lines[1], lines[2], "not json"].join("\n")}\n`,
    );
    const store = await openApiStore(dataDir);
    try {
      expect(await store.audit.db.selectFrom("api_audit").select("seq").execute()).toHaveLength(5);
      expect(await verifyAudit(store.audit.db)).toEqual({ ok: false, seq: 3 });
    } finally {
      await store.close();
    }
  });
});
