/** `rxdesk keys create` + `rxdesk serve` as a person runs them: a real process, a real port, a real data folder. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it, vi } from "vitest";
import { startServe } from "../../test/support/serve.js";
import { register } from "../cli/commands/keys.js";

/** Runs `rxdesk keys …` in this process (the commands only open the data folder's database), capturing its output. */
async function keysCli(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const program = new Command("rxdesk").exitOverride();
  register(program);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(["node", "rxdesk", "keys", ...args]);
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}

describe("rxdesk serve / rxdesk keys", () => {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-serve-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates keys (stored hashed) and refuses a pharmacist key without M06", async () => {
    const bad = await keysCli(["create", "--role", "pharmacist", "--terminal", "counter-1", "--data-dir", dir]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/M06/);
    const ok = await keysCli([
      "create",
      "--role",
      "pharmacist",
      "--terminal",
      "counter-1",
      "--pharmacist-id",
      "E123456783",
      "--data-dir",
      dir,
    ]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^rxk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const listed = await keysCli(["list", "--data-dir", dir]);
    expect(listed.stdout).toContain('"terminalId":"counter-1"');
    // The secret is everything after `rxk_<id>_` (base64url may itself contain "_").
    const secret = ok.stdout.trim().slice("rxk_0123456789abcdef_".length);
    expect(secret).toHaveLength(43);
    expect(listed.stdout).not.toContain(secret);
    const id = JSON.parse(listed.stdout.trim().split("\n")[0]!).id as string;
    const revoked = await keysCli(["revoke", id, "--data-dir", dir]);
    expect(JSON.parse(revoked.stdout).revokedAt).toBeTruthy();
    expect((await keysCli(["revoke", "0123456789abcdef", "--data-dir", dir])).exitCode).toBe(2);
  });

  it("serves the API on the embedded default and stops cleanly on SIGTERM", async () => {
    const key = (await keysCli(["create", "--role", "owner", "--terminal", "office", "--data-dir", dir])).stdout.trim();
    const served = await startServe(["--data-dir", dir, "--demo", "--no-card", "--outbox-interval", "0"]);
    const url = served.url;
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: "ok" });
      const me = await fetch(`${url}/api/me`, { headers: { Authorization: `Bearer ${key}` } });
      expect(await me.json()).toMatchObject({ role: "owner", terminalId: "office" });
      const settings = await fetch(`${url}/api/settings`, { headers: { Authorization: `Bearer ${key}` } });
      expect(await settings.json()).toMatchObject({
        nhi: { mode: "sandbox" },
        cardReader: false,
        exports: ["json", "csv", "pdf"],
      });
      // The OpenAPI document names the address this server really listens on (a free port here, not 8717).
      const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { servers: unknown };
      expect(doc.servers).toEqual([{ url }]);
      const denied = await fetch(`${url}/api/outbox`);
      expect(denied.status).toBe(401);
      expect(denied.headers.get("content-type")).toMatch(/problem\+json/);
    } finally {
      expect(await served.stop(), served.stderr()).toBe(0);
    }
  });
});
