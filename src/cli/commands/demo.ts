/**
 * `rxdesk demo list`: the demo prescriptions seeded in the embedded NHI sandbox (seeding them on first use), each
 * with the virtual card of its patient — the same list the counter shows on F1.
 */
import type { Command } from "commander";
import { type DemoCase, demoList } from "../../demo/cases.js";
import { formatVisitIdGrouped } from "../../domain/visit-id.js";
import { createRxdesk } from "../../service/bootstrap.js";
import { addServiceOptions, type CommonServiceOptions, localeOf } from "./dispense.js";

function printTable(cases: DemoCase[], en: boolean): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  for (const c of cases) {
    const refills = c.chronic
      ? en
        ? `chronic, ${c.refillCount} refills`
        : `慢箋 ${c.refillCount} 次`
      : en
        ? "one-off"
        : "一般處方";
    out(`${c.scenario}  ${formatVisitIdGrouped(c.visitId)}  ${c.patientName} ${c.patientNationalId}  ${refills}`);
    out(`  ${en ? c.description.en : c.description.zh}`);
    out(`  rxdesk card virtual --profile ${c.cardProfile}`);
  }
}

export function register(program: Command): void {
  const demo = program.command("demo").description("demo prescriptions in the embedded NHI sandbox (示範處方)");
  addServiceOptions(
    demo.command("list").description("list the demo prescriptions (seeds the embedded sandbox on first use)"),
  ).action(async (options: CommonServiceOptions) => {
    const rx = await createRxdesk({ dataDir: options.dataDir, nhiUrl: options.nhiUrl, demo: true });
    try {
      const cases = rx.demo ? demoList(rx.demo) : [];
      if (cases.length === 0) {
        process.stderr.write("此健保署端點沒有示範處方。\nThis NHI endpoint has no demo prescriptions.\n");
        process.exitCode = 1;
      } else if (options.json) {
        process.stdout.write(`${JSON.stringify(cases, null, 2)}\n`);
      } else {
        printTable(cases, localeOf(options.lang) === "en");
      }
    } finally {
      await rx.close();
    }
  });
}
