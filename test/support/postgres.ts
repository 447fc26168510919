/**
 * Test support for the real PostgreSQL 15 server on this machine: starts the cluster when it is down and makes sure
 * the current OS user has a login role (scripts/start-postgres.sh, peer authentication over the unix socket), and
 * hands out throwaway databases that are dropped afterwards. Works as root in CI without a terminal.
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** Where Debian's cluster listens (scripts/start-postgres.sh waits on the same socket). */
export const PG_SOCKET_DIR = "/var/run/postgresql";

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const START_SCRIPT = fileURLToPath(new URL("../../scripts/start-postgres.sh", import.meta.url));

let prepared: Promise<void> | undefined;

/**
 * Starts the local cluster if needed and ensures a login role for the current OS user: the same script
 * `scripts/setup.sh` runs, so a fresh machine after setup and a test run agree on how PostgreSQL is reached.
 */
export function ensurePostgres(): Promise<void> {
  prepared ??= new Promise<void>((resolve, reject) => {
    execFile("bash", [START_SCRIPT], { encoding: "utf8" }, (error, _out, stderr) =>
      error ? reject(new Error(`PostgreSQL could not be started: ${stderr || error.message}`)) : resolve(),
    );
  });
  return prepared;
}

export interface ThrowawayDatabase {
  name: string;
  connection: pg.PoolConfig;
  /** Resolves once the server lists none of these sessions (asked from another database), within the bound. */
  sessionsGone(pids: readonly number[], timeoutMs?: number): Promise<void>;
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
    async sessionsGone(pids, timeoutMs = 5000) {
      const c = new pg.Client({ host: PG_SOCKET_DIR, database: "postgres", user: userInfo().username });
      await c.connect();
      try {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const { rows } = await c.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])",
            [pids],
          );
          if (rows[0]?.n === 0) return;
          if (Date.now() > deadline)
            throw new Error(`${rows[0]?.n} sessions on ${name} still open after ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = new pg.Client({ host: PG_SOCKET_DIR, database: "postgres", user: userInfo().username });
      await c.connect();
      try {
        await dropDatabase(c, name);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Drops a database whatever is still connected to it. WITH (FORCE) ends our own leftover sessions, but PostgreSQL 15
 * refuses it to a non-superuser while an autovacuum worker is in the database (42501, "must be a member of the role
 * whose process is being terminated": the worker has no role). A plain DROP DATABASE ends autovacuum workers itself
 * (waiting up to 5 s) and fails only while other sessions remain (55006), so the two are tried in turn.
 */
export async function dropDatabase(c: pg.Client, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let force = true; ; force = !force) {
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}"${force ? " WITH (FORCE)" : ""}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== "42501" && code !== "55006") || Date.now() > deadline) throw error;
      if (!force) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface ThrowawayCluster {
  /** `postgres://…` URL of the cluster's `rxdesk` database (unix socket, trust authentication). */
  url: string;
  stop(): void;
  start(): void;
  /** Stops the cluster and deletes its files. */
  remove(): void;
}

/** Runs a PostgreSQL 15 binary as the postgres OS user (initdb and the server refuse to run as root). */
function asPostgresUser(bin: string, args: string[]): string {
  if (userInfo().username === "postgres") return run(join(PG_BIN, bin), args);
  return run("runuser", ["-u", "postgres", "--", join(PG_BIN, bin), ...args]);
}

/**
 * A private PostgreSQL 15 cluster in a temp folder on its own socket and port, for tests that stop and start the
 * server (the shared cluster must stay up for everyone else). Takes a few seconds to create.
 */
export function createThrowawayCluster(): ThrowawayCluster {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-pgcluster-"));
  chmodSync(dir, 0o755);
  const data = join(dir, "data");
  chownSync(dir, Number(run("id", ["-u", "postgres"]).trim()), Number(run("id", ["-g", "postgres"]).trim()));
  // No TCP listener: the port only names the socket file in the private folder, so it cannot collide.
  const port = 5432;
  asPostgresUser("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const options = `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off`;
  const start = () => {
    asPostgresUser("pg_ctl", ["-D", data, "-o", options, "-w", "-l", join(dir, "log"), "start"]);
  };
  const stop = () => {
    asPostgresUser("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  };
  start();
  run(join(PG_BIN, "psql"), [
    "-h",
    dir,
    "-p",
    String(port),
    "-U",
    "postgres",
    "-d",
    "postgres",
    "-c",
    "CREATE DATABASE rxdesk",
  ]);
  return {
    url: `postgres://postgres@localhost/rxdesk?host=${encodeURIComponent(dir)}&port=${port}`,
    stop,
    start,
    remove() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
