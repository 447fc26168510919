/**
 * Makes sure pcscd (with the vpcd virtual readers) is running for end-to-end card tests. Starts `pcscd -f` in the
 * background when its socket is absent — no systemd, no auto-exit — and waits until the readers are listed.
 * Idempotent and safe when several test files call it at once (a lock file guards the start).
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PcscClient } from "../../src/card/pcsc.js";

export const PCSCD_SOCKET = "/run/pcscd/pcscd.comm";
export const VPCD_READERS = ["Virtual PCD 00 00", "Virtual PCD 00 01"] as const;
const LOCK = join(tmpdir(), "rxdesk-pcscd-start.lock");

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(path)) return resolve(false);
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

function findPcscd(): string | undefined {
  for (const p of ["/usr/sbin/pcscd", "/usr/bin/pcscd", "/sbin/pcscd"]) if (existsSync(p)) return p;
  const which = spawnSync("sh", ["-c", "command -v pcscd"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

async function withStartLock<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      closeSync(openSync(LOCK, "wx"));
      break;
    } catch {
      // A stale lock (a crashed test run) is broken after 15 s.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 15_000) unlinkSync(LOCK);
      } catch {}
      if (Date.now() > deadline) throw new Error(`could not take ${LOCK}`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(LOCK);
    } catch {}
  }
}

/** Ensures pcscd answers on its socket and lists the vpcd readers; returns the reader names. */
export async function ensurePcscd(): Promise<string[]> {
  if (!(await socketAnswers(PCSCD_SOCKET))) {
    await withStartLock(async () => {
      if (await socketAnswers(PCSCD_SOCKET)) return;
      const binary = findPcscd();
      if (!binary) {
        throw new Error("pcscd is not installed: run scripts/setup.sh (apt packages pcscd, vsmartcard-vpcd)");
      }
      const child = spawn(binary, ["-f"], { detached: true, stdio: "ignore" });
      child.unref();
      const deadline = Date.now() + 10_000;
      while (!(await socketAnswers(PCSCD_SOCKET))) {
        if (Date.now() > deadline) throw new Error(`pcscd started but ${PCSCD_SOCKET} does not answer`);
        await sleep(50);
      }
    });
  }
  // pcscd loads the vpcd driver as it starts: wait until both virtual readers are listed.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = PcscClient.open();
    try {
      const readers = await client.waitForReaderList();
      if (VPCD_READERS.every((r) => readers.includes(r))) return readers;
      if (Date.now() > deadline) {
        throw new Error(`pcscd runs but lists ${JSON.stringify(readers)}; is vsmartcard-vpcd installed?`);
      }
    } finally {
      await client.close();
    }
    await sleep(100);
  }
}

/** Waits until pcscd reports the reader with (present = true) or without a card; throws after `timeoutMs`. */
export async function waitForCard(reader: string, present: boolean, timeoutMs = 5000): Promise<void> {
  const client = PcscClient.open();
  try {
    const status = await client.waitForStatus(reader, (s) => (s.present || s.mute) === present, timeoutMs);
    if (!status) throw new Error(`${reader} did not report ${present ? "a card" : "an empty slot"} in ${timeoutMs} ms`);
  } finally {
    await client.close();
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes a virtual reader for this process: two test runs (or a test and the benchmark) driving the same vpcd port
 * would see each other's cards. The lock file names the owning pid; a lock left by a dead process is taken over.
 * Returns the release function.
 */
export async function lockReader(reader: string, timeoutMs = 150_000): Promise<() => void> {
  const file = join(tmpdir(), `rxdesk-vpcd-${reader.replace(/[^A-Za-z0-9]+/g, "-")}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      break;
    } catch {
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(file, "utf8"));
      } catch {}
      if (!Number.isInteger(owner) || owner <= 0 || !pidAlive(owner)) {
        try {
          unlinkSync(file);
        } catch {}
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${reader} is held by process ${owner} (${file})`);
      await sleep(200);
    }
  }
  return () => {
    try {
      if (readFileSync(file, "utf8") === String(process.pid)) unlinkSync(file);
    } catch {}
  };
}

/**
 * For one test file (or run): pcscd running with this reader listed, the reader locked for this process, and no
 * card in it. Returns the release function.
 */
export async function takeEmptyReader(reader: string): Promise<() => void> {
  const readers = await ensurePcscd();
  if (!readers.includes(reader)) throw new Error(`pcscd does not list ${reader}; it lists ${JSON.stringify(readers)}`);
  const release = await lockReader(reader);
  try {
    await waitForCard(reader, false, 10_000);
  } catch (error) {
    release();
    throw error;
  }
  return release;
}
