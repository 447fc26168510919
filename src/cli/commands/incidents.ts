/**
 * `rxdesk incidents [list] [--state open|acknowledged|all]` and `rxdesk incidents ack <id> --note <text>`: what the
 * re-checks found wrong with dispensings made without NHI's word (D025, D023, typed details that differ, D024 after
 * 24 h, D074), for the pharmacist in charge. Exit codes: 0 done, 2 refused (unknown, already acknowledged, no note).
 */
import type { Command } from "commander";
import { rxdeskConfig } from "../../config.js";
import { localize } from "../../domain/message.js";
import { createRxdesk } from "../../service/bootstrap.js";
import type { IncidentView } from "../../service/types.js";
import { CliError } from "../errors.js";
import { addServiceOptions, type CommonServiceOptions, localeOf } from "./dispense.js";

function line(i: IncidentView, locale: "zh-TW" | "en"): string {
  const ack = i.acknowledged
    ? `  ✓ ${i.acknowledged.pharmacistId} ${i.acknowledged.at}: ${i.acknowledged.note}`
    : locale === "en"
      ? "  (open)"
      : "  （未處理）";
  return `${i.id}  ${i.at}  ${i.kind}  ${i.originalVisitId} #${i.refillNo}  [${i.nhiCodes.join(",")}]  ${localize(i.message, locale)}${ack}`;
}

export function register(program: Command): void {
  const incidents = program
    .command("incidents")
    .description("incidents found by re-checks, for the pharmacist in charge (異常事件)");
  addServiceOptions(
    incidents
      .command("list", { isDefault: true })
      .description("list incidents (default: open ones)")
      .option("--state <state>", "open (default), acknowledged or all", "open"),
  ).action(async (opts: CommonServiceOptions & { state: string }) => {
    const locale = localeOf(opts.lang);
    if (!["open", "acknowledged", "all"].includes(opts.state)) {
      throw new CliError(
        locale === "en" ? "--state is open, acknowledged or all" : "--state 應為 open、acknowledged 或 all",
      );
    }
    const rx = await createRxdesk({ dataDir: opts.dataDir, nhiUrl: opts.nhiUrl, demo: opts.demo });
    try {
      const list = await rx.service.incidents({ state: opts.state as "open" | "acknowledged" | "all" });
      if (opts.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else for (const i of list) process.stdout.write(`${line(i, locale)}\n`);
    } finally {
      await rx.close();
    }
  });
  addServiceOptions(
    incidents
      .command("ack")
      .description("acknowledge an incident with a note (once; audited)")
      .argument("<id>", "the incident's id (incidents list)")
      .requiredOption("--note <text>", "what was done about it")
      .option("--pharmacist <id>", "pharmacist national ID (M06); default RXDESK_PHARMACIST_ID"),
  ).action(async (id: string, opts: CommonServiceOptions & { note: string; pharmacist?: string }) => {
    const locale = localeOf(opts.lang);
    const pharmacistId = opts.pharmacist ?? rxdeskConfig().pharmacistId;
    if (!pharmacistId) {
      throw new CliError(
        locale === "en"
          ? "--pharmacist <national ID> (or RXDESK_PHARMACIST_ID) is required"
          : "須指定藥師身分證號：--pharmacist",
      );
    }
    const rx = await createRxdesk({ dataDir: opts.dataDir, nhiUrl: opts.nhiUrl, demo: opts.demo });
    try {
      const result = await rx.service.acknowledgeIncident({ incidentId: id, pharmacistId, note: opts.note });
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.ok) process.stdout.write(`${line(result.incident, locale)}\n`);
      else for (const r of result.reasons) process.stderr.write(`${r.code}: ${localize(r.message, locale)}\n`);
      process.exitCode = result.ok ? 0 : 2;
    } finally {
      await rx.close();
    }
  });
}
