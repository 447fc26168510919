/** F6: the upload queue — what waits (against the 24-hour deadline), what NHI rejected, with codes and advice. */
import { Box, Text } from "ink";
import { useState } from "react";
import type { DispensingServiceApi, OutboxEntryView } from "../../src/service/types.js";
import { errorNote } from "../actions.js";
import { List, type Loaded, LoadState, move, useLoad } from "../components/List.js";
import { TabBar } from "../components/TabBar.js";
import { fill, L, type Note, useT } from "../i18n.js";
import { useKeys } from "../key-router.js";
import { formatAge, isoToRoc, padTo } from "../text.js";

type Filter = "all" | "waiting" | "rejected";
const WAITING = new Set(["pending", "uploading", "uploaded"]);

export function Outbox({
  service,
  height,
  width,
  now = () => new Date(),
  onChanged,
}: {
  service: DispensingServiceApi;
  height: number;
  width: number;
  now?: () => Date;
  onChanged?(): void;
}) {
  const { t } = useT();
  const [filter, setFilter] = useState<Filter>("all");
  const [pos, setPos] = useState(0);
  const [note, setNote] = useState<{ text: Note; ok: boolean } | undefined>();
  const [list, reload] = useLoad(async () => {
    const all = await service.outboxEntries(filter === "rejected" ? { state: "rejected" } : undefined);
    return filter === "waiting" ? all.filter((e) => WAITING.has(e.state)) : all;
  }, [service, filter]);
  const items = list.state === "ok" ? list.data : [];
  const selected = items[Math.min(pos, items.length - 1)];
  const coded = selected ? selected.rejections.length + selected.warnings.length : 0;
  const detailRows = coded ? Math.min(6, coded * 2) + 1 : 1;
  const page = Math.max(3, height - 3 - detailRows - (note ? 1 : 0));

  useKeys(1, (e) => {
    if (e.kind === "key") {
      const next = move(e.name, pos, items.length, page);
      if (next !== undefined) setPos(next);
      return next !== undefined;
    }
    if (e.kind !== "text") return false;
    const k = e.text.toLowerCase();
    if (k === "a" || k === "w" || k === "r") {
      setFilter(k === "a" ? "all" : k === "w" ? "waiting" : "rejected");
      setPos(0);
      return true;
    }
    if (k === "u") {
      setNote({ text: L.loading, ok: true });
      service.runOutbox().then(
        (r) => {
          setNote({ text: fill(L.uploadRun, r), ok: r.rejected === 0 && r.failed === 0 });
          reload();
          onChanged?.();
        },
        (error: unknown) => setNote({ text: errorNote(error), ok: false }),
      );
      return true;
    }
    if (k === "y" && selected) {
      service.retryOutboxEntry(selected.id).then(
        (ok) => {
          setNote({ text: ok ? L.retried : L.retryFailed, ok });
          reload();
          onChanged?.();
        },
        (error: unknown) => setNote({ text: errorNote(error), ok: false }),
      );
      return true;
    }
    return false;
  });

  const tabs: [Filter, string][] = [
    ["all", `A ${t(L.all)}`],
    ["waiting", `W ${t(L.state.pending)}`],
    ["rejected", `R ${t(L.state.rejected)}`],
  ];
  const nowMs = now().getTime();
  return (
    <Box flexDirection="column">
      <TabBar title={t(L.outboxTitle)} tabs={tabs} chosen={filter} />
      <LoadState value={list as Loaded<unknown>} />
      <List rows={items.map((e) => row(e, nowMs, t))} height={page} position={pos} selectable />
      {note ? (
        <Text color={note.ok ? "green" : "red"} wrap="wrap">
          {t(note.text)}
        </Text>
      ) : null}
      {selected ? <Detail entry={selected} width={width} max={detailRows} /> : null}
    </Box>
  );
}

function row(e: OutboxEntryView, nowMs: number, t: ReturnType<typeof useT>["t"]): string {
  const deadline = Date.parse(e.deadline);
  const left = deadline - nowMs;
  const waiting = WAITING.has(e.state);
  const due = waiting ? (left < 0 ? `${t(L.overdue)}` : `${t(L.deadline)} ${formatAge(left)}`) : "";
  return [
    isoToRoc(e.createdAt),
    `H01=${e.dataFormat}`,
    padTo(t(L.state[e.state]), 8),
    e.visitId,
    padTo(`${t(L.attempts)}${e.attempts}`, 6),
    [...e.rejections.map((r) => `${r.field}:${r.code}`), ...e.warnings.map((r) => `△${r.field}:${r.code}`)].join(" ") ||
      due,
  ].join(" ");
}

function Detail({ entry, width, max }: { entry: OutboxEntryView; width: number; max: number }) {
  const { t } = useT();
  // Rejections (✕, red) first, then what NHI reported on a record it accepted (△ warnings, yellow).
  const codes = [
    ...entry.rejections.map((r) => ({ r, mark: "✕", color: "red" })),
    ...entry.warnings.map((r) => ({ r, mark: "△", color: "yellow" })),
  ];
  if (codes.length === 0) {
    return (
      <Text color="gray" wrap="wrap">
        {entry.lastError || `${entry.visitId} · ${t(L.state[entry.state])}`}
      </Text>
    );
  }
  const lines: { text: string; color: string }[] = [];
  for (const { r, mark, color } of codes) {
    lines.push({ text: `${mark} ${r.field}:${r.code} ${t(r.message)}`, color });
    lines.push({ text: `  ${t(L.advice)}：${t(r.advice)}`, color: "yellow" });
  }
  return (
    <Box
      flexDirection="column"
      width={width}
      borderStyle="single"
      borderColor={entry.rejections.length > 0 ? "red" : "yellow"}
      borderTop
      borderBottom={false}
      borderLeft={false}
      borderRight={false}
    >
      {lines.slice(0, max - 1).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: derived lines
        <Text key={i} color={l.color} wrap="wrap">
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
