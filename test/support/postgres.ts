/**
 * Test support for the real PostgreSQL 15 server on this machine: starts the cluster when it is down, makes sure
 * the current OS user has a login role (peer authentication over the unix socket), and hands out throwaway
 * databases that are dropped afterwards. Works as root in CI without a terminal.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { userInfo } from "node:os";
import pg from "pg";

export const PG_SOCKET_DIR = process.env.RXDESK_PG_HOST ?? "/var/run/postgresql";

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function asPostgres(sqlText: string): string {
  const args = ["-h", PG_SOCKET_DIR, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-At", "-c", sqlText];
  if (userInfo().username === "postgres") return run("psql", args);
  return run("runuser", ["-u", "postgres", "--", "psql", ...args]);
}

function isReady(): boolean {
  try {
    run("pg_isready", ["-h", PG_SOCKET_DIR, "-q"]);
    return true;
  } catch {
    return false;
  }
}

let prepared: Promise<void> | undefined;

/** Starts PostgreSQL 15 if needed and ensures a superuser-less login role for the current OS user. */
export function ensurePostgres(): Promise<void> {
  prepared ??= (async () => {
    if (!isReady()) {
      try {
        run("pg_ctlcluster", ["15", "main", "start"]);
      } catch (error) {
        if (!isReady()) throw error;
      }
      for (let i = 0; i < 100 && !isReady(); i++) await new Promise((r) => setTimeout(r, 100));
      if (!isReady()) throw new Error("PostgreSQL 15 did not become ready");
    }
    const user = userInfo().username;
    if (user !== "postgres") {
      const ident = `"${user.replace(/"/g, '""')}"`;
      const exists = asPostgres(`SELECT 1 FROM pg_roles WHERE rolname = '${user.replace(/'/g, "''")}'`).trim();
      if (exists !== "1") {
        try {
          asPostgres(`CREATE ROLE ${ident} LOGIN CREATEDB`);
        } catch (error) {
          // Another test file created it at the same moment.
          if (!/already exists/.test(String((error as { stderr?: unknown }).stderr ?? error))) throw error;
        }
      }
    }
  })();
  return prepared;
}

export interface ThrowawayDatabase {
  name: string;
  connection: pg.PoolConfig;
  drop(): Promise<void>;
}

/** Creates an empty database owned by the current user; `drop()` removes it (terminating leftover sessions). */
export async function createThrowawayDatabase(prefix = "rxdesk_test"): Promise<ThrowawayDatabase> {
  await ensurePostgres();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ host: PG_SOCKET_DIR, database: "postgres", user: userInfo().username });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const connection: pg.PoolConfig = { host: PG_SOCKET_DIR, database: name, user: userInfo().username };
  return {
    name,
    connection,
    async drop() {
      const c = new pg.Client({ host: PG_SOCKET_DIR, database: "postgres", user: userInfo().username });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
