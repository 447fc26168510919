/**
 * Issue 15 at the real counter: `rxdesk ui` in tmux (80×24) against the standalone NHI sandbox. NHI goes down, a
 * prescription this counter never saw is entered from the paper and dispensed with the cause the pharmacist picks;
 * NHI comes back, the upload and the central re-check run, and the conflict found is an incident the pharmacist
 * acknowledges with a note.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../test/support/process.js";
import { startTmuxUi, type TmuxUi } from "../test/support/tmux-ui.js";

const NEVER_SEEN = "1BYFWZQ21QQXY3B54X0L";

let dir: string;
let ui: TmuxUi;
let sandbox: ChildProcessWithoutNullStreams | undefined;
/** The port the sandbox took on its first start; it comes back on the same one, as NHI does. */
let port = 0;

/** The standalone sandbox (as `rxdesk sandbox` runs it), its state in the test's folder; resolves when it listens. */
async function startSandbox(): Promise<void> {
  const child = spawn(
    process.execPath,
    ["bin/rxdesk.mjs", "sandbox", "--port", String(port), "--file", join(dir, "sandbox.sqlite3")],
    // Its own process group: the launcher may run the program in a child (from the sources), and a kill that
    // must not fail reaches both.
    { cwd: ROOT, detached: true },
  );
  sandbox = child;
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      if (!out.includes("\n")) return;
      port = Number(new URL((JSON.parse(out.split("\n")[0] as string) as { url: string }).url).port);
      resolve();
    });
    child.on("close", (code) => reject(new Error(`sandbox exited early with ${code}`)));
  });
}

async function stopSandbox(): Promise<void> {
  const child = sandbox;
  sandbox = undefined;
  if (!child || child.exitCode !== null) return;
  const closed = new Promise((resolve) => child.on("close", resolve));
  child.kill("SIGTERM");
  // Bounded: a sandbox that ignores SIGTERM must not hold the test (or its port) for ever.
  const killer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Every process of the group has gone meanwhile.
    }
  }, 10_000);
  await closed;
  clearTimeout(killer);
}

/** Types each value into the form's current field, then Tab. */
function fill(...values: string[]) {
  for (const v of values) {
    if (v) ui.key("-l", v);
    ui.key("Tab");
  }
}

beforeAll(async () => {
  expect(spawnSync("tmux", ["-V"]).status, "tmux must be installed (scripts/setup.sh)").toBe(0);
  dir = mkdtempSync(join(tmpdir(), "rxdesk-ui-paper-"));
  await startSandbox();
  ui = startTmuxUi({
    dataDir: join(dir, "data"),
    name: "ui-paper",
    args: ["--no-demo", "--nhi-url", `http://127.0.0.1:${port}`],
  });
  await ui.waitScreen("健保署 連線");
  // The card control software installs itself on the first start that reaches NHI (API 1.54 works offline then).
  const installed = join(dir, "data", "card-control-software.json");
  for (let i = 0; i < 100 && !existsSync(installed); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(existsSync(installed), "the card control software installed within 10 s of reaching NHI").toBe(true);
}, 120_000);

afterAll(async () => {
  ui?.stop();
  await stopSandbox();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("paper entry in a terminal", () => {
  it("NHI down, never seen: entered from the paper, dispensed with B000, re-checked when NHI is back", async () => {
    await stopSandbox();
    await ui.waitScreen("健保署 斷線");
    ui.scan(NEVER_SEEN);
    await ui.waitScreen("F9 依紙本輸入處方");
    ui.key("F9");
    let s = await ui.waitScreen("依紙本輸入處方（健保署無法確認此處方");
    expect(s).toContain("Tab/↓下一欄");
    // M17, name, M18, M19, chronic, M33, M26, M20, drugs; no card: the patient's ID, birth date and why.
    fill("35012", "示範診所", "0012", "115/01/02 09:00", "Y", "1", "3", "28", "AC12345100 56 BID");
    fill("A123456789", "075/03/15", "病人忘記帶卡");
    ui.key("F9");
    s = await ui.waitScreen("✕ 紙本處方欄位「M17");
    expect(s).toMatch(/處方院所代碼 +▸ 35012/);
    ui.key("-l", "3501200000");
    ui.key("F9");
    s = await ui.waitScreen("F9 覆核調劑");
    expect(s).toContain("依紙本輸入");
    ui.key("F9");
    s = await ui.waitScreen("請依原因選擇異常代碼");
    expect(s).toContain("A020  網路故障造成讀卡機無法使用（尚未取得就醫序號）　← 建議");
    ui.key("Down", "Down", "Down", "Down", "Enter");
    // The list shows "B000  卡片不良" already: wait for the reason question that names the code picked.
    await ui.waitScreen(/B000 卡片不良[^\n]*請輸入覆核理由/);
    ui.scan("晶片讀不到");
    s = await ui.waitScreen("已調劑");
    expect(s).toContain("依紙本輸入（健保署無法連線且本機無此處方），待健保署查核");
    expect(s).toContain("M13 = B000");

    // NHI is back: the upload and the re-check run; NHI never issued this visit ID, so it is an incident.
    await startSandbox();
    await ui.waitScreen("健保署 連線");
    ui.key("F6");
    await ui.waitScreen("上傳佇列");
    ui.key("u");
    s = await ui.waitScreen("上傳完成：送出 1");
    expect(s).toContain("H01=B");
    // Wait for text only the next screen has: the queue already shows D074 and the incident banner.
    ui.key("Escape");
    s = await ui.waitScreen("掃描就醫識別碼");
    expect(s).toContain("！異常事件 1 件待藥師處理");
    ui.key("F12");
    s = await ui.waitScreen(/異常事件（健保署查核結果）[\s\S]*D074/);
    expect(s).toContain(NEVER_SEEN);
    // The incident's own hint says "…填寫處理說明": wait for the note question itself before typing the note.
    ui.key("Enter");
    await ui.waitScreen("處理說明（將記錄）");
    ui.scan("已聯絡診所核對就醫識別碼");
    await ui.waitScreen("已確認，已記錄");
    // The banner is counted again after the acknowledgement: the counter must come back, and without it.
    ui.key("Escape");
    s = await ui.waitScreen("掃描就醫識別碼", { without: "！異常事件" });
    expect(s).not.toContain("！異常事件");
  }, 150_000);
});
