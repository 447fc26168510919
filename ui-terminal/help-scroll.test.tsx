/** F1 help scrolls what does not fit, and stops with its last line at the bottom (never into emptiness). */
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { demoCase } from "../test/support/demo-case.js";
import { assertFits, KEY, renderApp } from "../test/support/ink-harness.js";

afterEach(() => cleanup());

const demo = (n: number) =>
  demoCase({
    visitId: `KGZWREFK9ZTF9KNWHW${String(n).padStart(2, "0")}`,
    description: { zh: `示範第${n}例`, en: `Demo number ${n}` },
  });

describe("help (F1) scrolling", () => {
  it("stops at the last line however far ↓ and PgDn are pressed, and ↑ then moves at once", async () => {
    const app = renderApp({ demoCases: Array.from({ length: 12 }, (_, i) => demo(i + 1)) });
    await app.press(KEY.f1);
    let s = await app.waitFor("示範第1例");
    expect(s).not.toContain("示範第12例");
    for (let i = 0; i < 40; i++) await app.press(KEY.down);
    await app.press("\u001b[6~", "\u001b[6~");
    s = await app.waitFor("chronicFresh 示範第12例");
    assertFits(s);
    // At the bottom: one ↑ moves the text one line at once (no presses were counted below the end).
    const row = (screen: string) => screen.split("\n").findIndex((l) => l.includes("HW12 王小明"));
    const before = row(s);
    await app.press(KEY.up);
    await vi.waitFor(() => expect(row(app.screen())).toBe(before + 1));
    expect(app.screen()).not.toContain("示範第12例");
  });
});
