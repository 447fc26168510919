/**
 * `rxdesk serve` on PostgreSQL when the server goes away: sessions terminated under it (pg_terminate_backend,
 * failover, idle_session_timeout) and a full restart of a private cluster. The process must stay up, answer 503
 * problems while the database is gone and 200 again once it is back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createThrowawayCluster,
  createThrowawayDatabase,
  PG_SOCKET_DIR,
  type ThrowawayCluster,
  type ThrowawayDatabase,
} from "../../test/support/postgres.js";
import { runTsx } from "../../test/support/process.js";
import { SERVE_ENTRY, type ServeProcess, startServe } from "../../test/support/serve.js";

async function createKey(dataDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runTsx(
    [SERVE_ENTRY, "keys", "create", "--role", "owner", "--terminal", "office", "--data-dir", dataDir],
    {
      env: { ...process.env, ...env },
    },
  );
  expect(result.err).not.toMatch(/Error/);
  return result.out.trim();
}

function outbox(served: ServeProcess, key: string): Promise<Response> {
  return fetch(`${served.url}/api/outbox`, { headers: { Authorization: `Bearer ${key}` } });
}

describe("rxdesk serve on PostgreSQL", () => {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-serve-pg-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe("sessions terminated by the server", () => {
    let database: ThrowawayDatabase;
    beforeAll(async () => {
      database = await createThrowawayDatabase();
    });
    afterAll(() => database.drop());

    it("survives pg_terminate_backend of its idle connections and keeps answering (a new data folder too)", async () => {
      const env = {
        RXDESK_DATABASE_URL: `postgres://${userInfo().username}@localhost/${database.name}?host=${encodeURIComponent(PG_SOCKET_DIR)}`,
      };
      // A data folder that does not exist yet: the PostgreSQL path must create it like the SQLite path does.
      const dataDir = join(dir, "new", "folder");
      const key = await createKey(dataDir, env);
      const served = await startServe(["--data-dir", dataDir, "--no-card", "--outbox-interval", "0"], env);
      try {
        expect((await outbox(served, key)).status).toBe(200);
        const admin = new pg.Client({ host: PG_SOCKET_DIR, database: "postgres", user: userInfo().username });
        await admin.connect();
        try {
          const { rows } = await admin.query(
            "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = $1",
            [database.name],
          );
          expect(rows.length).toBeGreaterThan(0);
        } finally {
          await admin.end();
        }
        // The terminated sessions report 57P01 to the idle clients; the process must not die of it. A request that
        // draws a client whose end the pool has not yet noticed fails cleanly (503); the next ones succeed.
        const statuses: number[] = [];
        for (let i = 0; i < 20 && statuses.at(-1) !== 200; i++) statuses.push((await outbox(served, key)).status);
        expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
        expect(statuses.at(-1)).toBe(200);
        expect((await outbox(served, key)).status).toBe(200);
        expect(served.alive()).toBe(true);
        expect(served.stderr()).not.toMatch(/uncaught|57P01|terminating connection/i);
      } finally {
        expect(await served.stop(), served.stderr()).toBe(0);
      }
    });
  });

  describe("a restart of the server", () => {
    let cluster: ThrowawayCluster;
    beforeAll(() => {
      cluster = createThrowawayCluster();
    }, 60_000);
    afterAll(() => cluster.remove());

    it("answers 503 problems during the outage, 200 after it, and stays up", async () => {
      const env = { RXDESK_DATABASE_URL: cluster.url };
      const dataDir = join(dir, "restart");
      const key = await createKey(dataDir, env);
      const served = await startServe(["--data-dir", dataDir, "--no-card", "--outbox-interval", "0"], env);
      try {
        expect((await outbox(served, key)).status).toBe(200);
        cluster.stop();
        const during = await outbox(served, key);
        expect(during.status).toBe(503);
        expect(during.headers.get("content-type")).toMatch(/problem\+json/);
        expect(await during.json()).toMatchObject({ code: "database-unavailable" });
        const ready = await fetch(`${served.url}/health/ready`);
        expect(ready.status).toBe(503);
        cluster.start();
        expect((await outbox(served, key)).status).toBe(200);
        expect((await fetch(`${served.url}/health/ready`)).status).toBe(200);
        expect(served.alive()).toBe(true);
      } finally {
        expect(await served.stop(), served.stderr()).toBe(0);
      }
    }, 60_000);
  });
});
