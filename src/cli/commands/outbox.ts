/** `rxdesk outbox run|status|list`: the upload queue (上傳佇列) for scripts and cron. */
import type { Command } from "commander";
import { localize } from "../../domain/message.js";
import { createRxdesk } from "../../service/bootstrap.js";
import type { UploadState } from "../../service/types.js";
import { addServiceOptions, type CommonServiceOptions, localeOf } from "./dispense.js";

const STATES: readonly UploadState[] = ["pending", "uploading", "uploaded", "accepted", "rejected"];

export function register(program: Command): void {
  const outbox = program.command("outbox").description("upload outbox: send waiting records, fetch check reports");
  addServiceOptions(
    outbox.command("run").description("upload waiting records and fetch check reports once; exit 2 if any failed"),
  ).action(async (opts: CommonServiceOptions) => {
    const rx = await createRxdesk({ dataDir: opts.dataDir, nhiUrl: opts.nhiUrl, demo: opts.demo });
    try {
      const result = await rx.service.runOutbox();
      const status = await rx.service.outboxStatus();
      if (opts.json) process.stdout.write(`${JSON.stringify({ result, status }, null, 2)}\n`);
      else {
        const en = localeOf(opts.lang) === "en";
        process.stdout.write(
          en
            ? `uploaded ${result.uploaded}, accepted ${result.accepted}, rejected ${result.rejected}, failed ${result.failed}; waiting ${status.waiting}\n`
            : `上傳 ${result.uploaded} 筆，成功 ${result.accepted}，退件 ${result.rejected}，失敗 ${result.failed}；待處理 ${status.waiting}\n`,
        );
      }
      process.exitCode = result.failed > 0 ? 2 : 0;
    } finally {
      await rx.close();
    }
  });
  addServiceOptions(
    outbox
      .command("status")
      .description("queue counts, the oldest waiting record and the 24-hour KPI")
      .option("--list [state]", "also list entries (optionally of one state)"),
  ).action(async (opts: CommonServiceOptions & { list?: string | boolean }) => {
    const locale = localeOf(opts.lang);
    if (typeof opts.list === "string" && !STATES.includes(opts.list as UploadState)) {
      process.stderr.write(`state must be one of ${STATES.join(", ")}\n`);
      process.exitCode = 1;
      return;
    }
    const rx = await createRxdesk({ dataDir: opts.dataDir, nhiUrl: opts.nhiUrl, demo: opts.demo });
    try {
      const status = await rx.service.outboxStatus();
      const entries = opts.list
        ? await rx.service.outboxEntries(
            typeof opts.list === "string" ? { state: opts.list as UploadState } : undefined,
          )
        : undefined;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ status, entries }, null, 2)}\n`);
        return;
      }
      const en = locale === "en";
      const share =
        status.uploadedWithin24hShare === undefined ? "—" : `${(status.uploadedWithin24hShare * 100).toFixed(1)} %`;
      const age =
        status.oldestWaitingAgeMs === undefined ? "—" : `${(status.oldestWaitingAgeMs / 3_600_000).toFixed(1)} h`;
      process.stdout.write(
        en
          ? `waiting ${status.waiting}  accepted ${status.accepted}  rejected ${status.rejected}\noldest waiting ${age} (deadline 24 h)\nuploaded within 24 h: ${share} (NHI KPI ≥ 90 %)\n`
          : `待處理 ${status.waiting}  成功 ${status.accepted}  退件 ${status.rejected}\n最久未上傳 ${age}（期限24小時）\n24小時內上傳率：${share}（健保署指標 ≥ 90%）\n`,
      );
      for (const e of entries ?? []) {
        process.stdout.write(
          `${e.state.padEnd(9)} H01=${e.dataFormat} M15 ${e.visitId} attempts ${e.attempts} deadline ${e.deadline}${
            e.lastError ? ` (${e.lastError})` : ""
          }\n`,
        );
        // ✕ rejected the record; △ reported on a record NHI accepted (a warning).
        const codes = [...e.rejections.map((r) => ({ r, mark: "✕" })), ...e.warnings.map((r) => ({ r, mark: "△" }))];
        for (const { r, mark } of codes) {
          process.stdout.write(
            `    ${mark} ${r.field}:${r.code} ${localize(r.message, locale)} → ${localize(r.advice, locale)}\n`,
          );
        }
      }
    } finally {
      await rx.close();
    }
  });
}
