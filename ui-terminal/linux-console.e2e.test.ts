/**
 * `rxdesk ui` on the Linux text console (TERM=linux, which has no CJK glyphs) starts in English and says why; the
 * terminal type comes from the configuration (src/config.ts), not from the command.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { startTmuxUi, type TmuxUi } from "../test/support/tmux-ui.js";

const dir = mkdtempSync(join(tmpdir(), "rxdesk-ui-console-"));
let ui: TmuxUi | undefined;
afterAll(() => {
  ui?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("starts in English with a notice on TERM=linux", async () => {
  ui = startTmuxUi({ dataDir: join(dir, "data"), name: "ui-console", args: ["--no-demo"], term: "linux" });
  const s = await ui.waitScreen("Linux console cannot draw Chinese");
  expect(s).not.toContain("健保署");
}, 60_000);
