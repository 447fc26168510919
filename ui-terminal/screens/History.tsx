/** F3: recent dispensings; delete (H01=D) or correct one, each with a confirmation and a reason. */
import { Box, Text } from "ink";
import { useState } from "react";
import type { DispensingServiceApi, DispensingView, MutationResult } from "../../src/service/types.js";
import { errorNote, type UiActions } from "../actions.js";
import { List, type Loaded, LoadState, move, useLoad } from "../components/List.js";
import { TextPrompt } from "../components/TextPrompt.js";
import { fill, joinMessages, L, type Note, useT } from "../i18n.js";
import { useKeys } from "../key-router.js";
import { padTo, rocDateTime } from "../text.js";

type Ask =
  | { kind: "delete"; d: DispensingView; error?: Note }
  | { kind: "days"; d: DispensingView; error?: Note }
  | { kind: "reason"; d: DispensingView; days: number; error?: Note };

export function History({
  service,
  pharmacistId,
  actions,
  height,
  onChanged,
}: {
  service: DispensingServiceApi;
  pharmacistId: string;
  actions?: UiActions;
  height: number;
  onChanged?(): void;
}) {
  const { t, locale } = useT();
  const [list, reload] = useLoad(() => service.recentDispensings(100), [service]);
  const [pos, setPos] = useState(0);
  const [ask, setAsk] = useState<Ask | undefined>();
  const [note, setNote] = useState<{ text: Note; ok: boolean } | undefined>();
  const items = list.state === "ok" ? list.data : [];
  const selected = items[pos];

  const finish = (result: MutationResult, done: Note) => {
    setAsk(undefined);
    if (result.ok) setNote({ text: done, ok: true });
    else setNote({ text: joinMessages(result.reasons.map((r) => r.message)), ok: false });
    reload();
    onChanged?.();
  };

  useKeys(1, (e) => {
    if (ask) return false;
    if (e.kind === "key") {
      const next = move(e.name, pos, items.length, height - 4);
      if (next !== undefined) {
        setPos(next);
        return true;
      }
      return false;
    }
    if (e.kind !== "text" || !selected) return false;
    const key = e.text.toLowerCase();
    if (key === "d") {
      if (selected.status === "deleted") setNote({ text: L.deleted, ok: false });
      else setAsk({ kind: "delete", d: selected });
      return true;
    }
    if (key === "c") {
      if (selected.status === "deleted") setNote({ text: L.deleted, ok: false });
      else setAsk({ kind: "days", d: selected });
      return true;
    }
    if (key === "p") {
      if (!actions?.printSlip) setNote({ text: L.slipUnavailable, ok: false });
      else
        actions.printSlip(selected.id, locale).then(
          ({ path }) => setNote({ text: fill(L.slipWritten, { path }), ok: true }),
          (error: unknown) => setNote({ text: errorNote(error), ok: false }),
        );
      return true;
    }
    return false;
  });

  const rows = items.map((d) => row(d, t));
  const promptRows = ask ? 5 : 0;
  return (
    <Box flexDirection="column">
      <Text bold color="cyan">
        {t(L.history)}
      </Text>
      <LoadState value={list as Loaded<unknown>} />
      <List rows={rows} height={Math.max(3, height - 3 - promptRows)} position={pos} selectable />
      {note ? (
        <Text color={note.ok ? "green" : "red"} bold wrap="wrap">
          {note.ok ? "✓" : "✕"} {t(note.text)}
        </Text>
      ) : null}
      {ask?.kind === "delete" ? (
        <TextPrompt
          color="red"
          label={t(L.deleteConfirm, { n: ask.d.refillNo, visitId: ask.d.visitId })}
          error={ask.error}
          onCancel={() => setAsk(undefined)}
          onSubmit={(reason) => {
            if (!reason.trim()) return setAsk({ ...ask, error: L.reasonRequired });
            service
              .deleteDispensing({ dispensingId: ask.d.id, pharmacistId, reason: reason.trim() })
              .then((r) => finish(r, L.doneDeleted))
              .catch((error: unknown) => setAsk({ ...ask, error: errorNote(error) }));
          }}
        />
      ) : null}
      {ask?.kind === "days" ? (
        <TextPrompt
          label={t(L.correctDays, { days: ask.d.days })}
          initial={String(ask.d.days)}
          error={ask.error}
          onCancel={() => setAsk(undefined)}
          onSubmit={(value) => {
            const days = Number(value.trim());
            if (!/^\d+$/.test(value.trim()) || days < 1 || days > 30) return setAsk({ ...ask, error: L.daysInvalid });
            setAsk({ kind: "reason", d: ask.d, days });
          }}
        />
      ) : null}
      {ask?.kind === "reason" ? (
        <TextPrompt
          key="reason"
          label={t(L.correctReason)}
          error={ask.error}
          onCancel={() => setAsk(undefined)}
          onSubmit={(reason) => {
            if (!reason.trim()) return setAsk({ ...ask, error: L.reasonRequired });
            service
              .correctDispensing({ dispensingId: ask.d.id, pharmacistId, reason: reason.trim(), days: ask.days })
              .then((r) => finish(r, L.doneCorrected))
              .catch((error: unknown) => setAsk({ ...ask, error: errorNote(error) }));
          }}
        />
      ) : null}
    </Box>
  );
}

function row(d: DispensingView, t: ReturnType<typeof useT>["t"]): string {
  const state = t(d.status === "deleted" ? L.deleted : L.active);
  const upload = t(L.state[d.upload.state]);
  const codes = d.upload.codes.map((c) => `${c.field}:${c.code}`).join(" ");
  return [
    rocDateTime(d.visitDateTime),
    d.nationalId,
    padTo(`#${d.refillNo}`, 3),
    padTo(`${d.days}d`, 3),
    padTo(state, 6),
    padTo(`${upload}${codes ? ` ${codes}` : ""}`, 10),
    d.override ? "!" : d.j000 ? "J" : " ",
    d.visitId,
  ].join(" ");
}
