/**
 * The compiled program (`npm run build`, run by scripts/setup.sh) is what `npm start` and `npx rxdesk` start at the
 * counter; it must behave like the sources. Builds dist/ first when it is missing or stale.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compiledIsFresh } from "../scripts/dist-freshness.mjs";

const root = join(import.meta.dirname, "..");

describe("compiled program and launcher", { timeout: 120_000 }, () => {
  beforeAll(() => {
    if (!compiledIsFresh(root)) {
      execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "ignore" });
    }
  });

  it("dist/ runs the CLI and reads its data files (field rules schema)", () => {
    const run = spawnSync(
      process.execPath,
      [join(root, "dist/src/cli/main.js"), "xml", "validate", join(root, "fixtures/xml/chronic-refill.xml")],
      { encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("the bin launcher answers with the same results as the sources", () => {
    const args = ["visit-id", "check", "OUSE 4FA1 1RP4 J370 WR4K"];
    const viaBin = spawnSync(process.execPath, [join(root, "bin/rxdesk.mjs"), ...args], { encoding: "utf8" });
    expect(viaBin.status).toBe(0);
    expect(JSON.parse(viaBin.stdout)).toMatchObject({ valid: true, normalized: "0USE4FA11RP4J370WR4K" });
    const help = spawnSync(process.execPath, [join(root, "bin/rxdesk.mjs"), "--help"], { encoding: "utf8" });
    for (const command of ["ui", "serve", "sandbox", "card", "scan", "xml", "report", "dispense", "outbox"]) {
      expect(help.stdout).toContain(command);
    }
  });

  it("run from the sources, it stops on SIGTERM with the program it started, leaving nothing behind", async () => {
    const state = mkdtempSync(join(tmpdir(), "rxdesk-launcher-term-"));
    let group: number | undefined;
    try {
      const launcher = spawn(
        process.execPath,
        [join(root, "bin/rxdesk.mjs"), "sandbox", "--port", "0", "--file", join(state, "sandbox.sqlite3")],
        // Its own process group, so a failed test can stop the program in tsx's child too (finally below).
        { env: { ...process.env, RXDESK_FROM_SOURCES: "1" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
      );
      group = launcher.pid;
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        launcher.stdout.on("data", (d: Buffer) => {
          out += d.toString("utf8");
          const line = out.split("\n")[0] ?? "";
          if (out.includes("\n")) resolve(JSON.parse(line).url);
        });
        launcher.on("close", (code) => reject(new Error(`the sandbox exited early with ${code}`)));
      });
      // The program itself runs in tsx's child process, a grandchild of the launcher.
      expect((await fetch(url).catch(() => undefined)) !== undefined).toBe(true);
      const exited = new Promise<number | null>((resolve) => launcher.on("exit", (code) => resolve(code)));
      launcher.kill("SIGTERM");
      expect(await exited).toBe(0);
      let stillAnswers = true;
      for (let i = 0; i < 50 && stillAnswers; i++) {
        stillAnswers = (await fetch(url).catch(() => undefined)) !== undefined;
        if (stillAnswers) await new Promise((r) => setTimeout(r, 100));
      }
      expect(stillAnswers, "the program the launcher started still listens after SIGTERM").toBe(false);
    } finally {
      try {
        if (group !== undefined) process.kill(-group, "SIGKILL");
      } catch {
        // Nothing of it is left: the case the test expects.
      }
      rmSync(state, { recursive: true, force: true });
    }
  });

  it("the shipped server writes its request log within a second, and what is left when it stops", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rxdesk-launcher-log-"));
    const server = spawn(
      process.execPath,
      [join(root, "dist/src/cli/main.js"), "serve", "--port", "0", "--no-card", "--data-dir", dataDir],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      let out = "";
      let err = "";
      server.stdout.on("data", (d: Buffer) => {
        out += d.toString("utf8");
      });
      const url = await new Promise<string>((resolve, reject) => {
        server.stderr.on("data", (d: Buffer) => {
          err += d.toString("utf8");
          const match = /listening on (http:\/\/\S+)/.exec(err);
          if (match) resolve(match[1]!);
        });
        server.on("close", (code) => reject(new Error(`serve exited early with ${code}: ${err}`)));
      });
      const logged = (path: string) => out.split("\n").some((line) => line.includes(`"url":"${path}"`));
      expect((await fetch(`${url}/health`)).status).toBe(200);
      for (let i = 0; i < 30 && !logged("/health"); i++) await new Promise((r) => setTimeout(r, 100));
      expect(logged("/health"), "the request line within 3 s (written at least once a second)").toBe(true);
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
      server.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(logged("/health/ready"), "the last request's line, flushed on the way out").toBe(true);
    } finally {
      server.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("the bundled report command writes the same log as the sources, and reads check reports", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rxdesk-launcher-report-"));
    try {
      // A first run on a fresh folder (the demo) gives the log something to show.
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const args = ["report", "refill-log", "--from", day(-40), "--to", day(0), "--data-dir", dataDir];
      const shipped = (format: string, out: string) =>
        spawnSync(
          process.execPath,
          [join(root, "dist/src/cli/main.js"), ...args, "--demo", "--format", format, "--out", out],
          {
            encoding: "utf8",
          },
        );
      const csv = shipped("csv", join(dataDir, "dist.csv"));
      expect(csv.stderr).toContain("已輸出");
      expect(csv.status).toBe(0);
      const sources = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          join(root, "src/cli/main.ts"),
          ...args,
          "--format",
          "csv",
          "--out",
          join(dataDir, "src.csv"),
        ],
        { encoding: "utf8", cwd: root },
      );
      expect(sources.status, sources.stderr).toBe(0);
      expect(readFileSync(join(dataDir, "dist.csv"), "utf8")).toBe(readFileSync(join(dataDir, "src.csv"), "utf8"));
      const pdf = shipped("pdf", join(dataDir, "log.pdf"));
      expect(pdf.status, pdf.stderr).toBe(0);
      const text = execFileSync("pdftotext", [join(dataDir, "log.pdf"), "-"], { encoding: "utf8" });
      expect(text).toContain("慢性病連續處方箋調劑紀錄");
      expect(readFileSync(join(dataDir, "dist.csv"), "utf8")).toContain("total-week");
      const parse = spawnSync(
        process.execPath,
        [
          join(root, "dist/src/cli/main.js"),
          "report",
          "parse",
          join(root, "fixtures/check-reports/multi-record-big5-crlf.txt"),
        ],
        { encoding: "utf8" },
      );
      expect(parse.status, parse.stderr).toBe(0);
      // A bad setting is named with zod's own English explanation in the bundle too (see src/config.ts).
      const badSetting = spawnSync(process.execPath, [join(root, "dist/src/cli/main.js"), ...args, "--format", "csv"], {
        encoding: "utf8",
        env: { ...process.env, RXDESK_LOG_LEVEL: "loud" },
      });
      expect(badSetting.status).toBe(2);
      expect(badSetting.stderr).toContain('RXDESK_LOG_LEVEL: Invalid option: expected one of "fatal"');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("ships no tests and no test support in dist/", () => {
    const shipped: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        // dist/fixtures is a link back to the data files the CLI reads, not compiled output.
        if (entry.isSymbolicLink()) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else shipped.push(relative(join(root, "dist"), path));
      }
    };
    walk(join(root, "dist"));
    expect(shipped.length).toBeGreaterThan(100);
    expect(shipped.filter((path) => /(^|\/)(testing|test)(\/|$)|\.test\.|testing[-.]/.test(path))).toEqual([]);
    const importsTestCode = shipped
      .filter((path) => path.endsWith(".js"))
      .filter((path) =>
        /from "vitest"|\/test\/support\/|\/testing\//.test(readFileSync(join(root, "dist", path), "utf8")),
      );
    expect(importsTestCode).toEqual([]);
  });
});
