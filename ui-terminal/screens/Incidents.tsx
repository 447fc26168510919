/**
 * F12: incidents (異常事件) — what a central re-check found wrong with a dispensing made without NHI's word
 * (entered from the paper, or dispensed while NHI was down): another pharmacy dispensed it, the prescriber
 * cancelled it, NHI's prescription differs from what was typed … The pharmacist in charge reads each and
 * acknowledges it with a note (Enter); Tab shows the acknowledged ones too.
 */
import { Box, Text } from "ink";
import { useState } from "react";
import type { DispensingServiceApi, IncidentView } from "../../src/service/types.js";
import { errorNote } from "../actions.js";
import { List, type Loaded, LoadState, move, useLoad } from "../components/List.js";
import { TextPrompt } from "../components/TextPrompt.js";
import { L, type Note, useT } from "../i18n.js";
import { useKeys } from "../key-router.js";
import { isoToRoc, maskId, padTo } from "../text.js";

export function Incidents({
  service,
  pharmacistId,
  height,
  onChanged,
}: {
  service: DispensingServiceApi;
  pharmacistId: string;
  height: number;
  onChanged?(): void;
}) {
  const { t } = useT();
  const [all, setAll] = useState(false);
  const [pos, setPos] = useState(0);
  const [asking, setAsking] = useState<{ error?: Note } | undefined>();
  const [note, setNote] = useState<{ text: Note; ok: boolean } | undefined>();
  const [list, reload] = useLoad(() => service.incidents({ state: all ? "all" : "open" }), [service, all]);
  const items = list.state === "ok" ? list.data : [];
  const selected = items[Math.min(pos, items.length - 1)];
  const page = Math.max(3, height - 9 - (asking ? 4 : 0) - (note ? 1 : 0));

  useKeys(1, (e) => {
    if (asking) return false;
    if (e.kind !== "key") return false;
    const next = move(e.name, pos, items.length, page);
    if (next !== undefined) setPos(next);
    else if (e.name === "tab") {
      setAll((a) => !a);
      setPos(0);
    } else if (e.name === "return" && selected && !selected.acknowledged) setAsking({});
    else return false;
    return true;
  });

  const acknowledge = (text: string) => {
    if (!selected) return;
    if (!text.trim()) return setAsking({ error: L.reasonRequired });
    setAsking(undefined);
    service.acknowledgeIncident({ incidentId: selected.id, pharmacistId, note: text.trim() }).then(
      (result) => {
        setNote(
          result.ok
            ? { text: L.incidentAcknowledged, ok: true }
            : { text: result.reasons.map((r) => t(r.message)).join("；"), ok: false },
        );
        reload();
        onChanged?.();
      },
      (error: unknown) => setNote({ text: errorNote(error), ok: false }),
    );
  };

  return (
    <Box flexDirection="column">
      <Box gap={2}>
        <Text bold color="cyan">
          {t(L.incidentsTitle)} <Text color="gray">({items.length})</Text>
        </Text>
        <Text inverse={!all}>{` ${t(L.incidentsOpen)} `}</Text>
        <Text inverse={all}>{` ${t(L.all)} `}</Text>
      </Box>
      <LoadState value={list as Loaded<unknown>} />
      <List rows={items.map((i) => row(i, t))} height={page} position={pos} selectable />
      {note ? (
        <Text color={note.ok ? "green" : "red"} wrap="wrap">
          {t(note.text)}
        </Text>
      ) : null}
      {selected ? <Detail incident={selected} /> : null}
      {asking ? (
        <TextPrompt
          label={t(L.incidentNotePrompt)}
          error={asking.error}
          onCancel={() => setAsking(undefined)}
          onSubmit={acknowledge}
        />
      ) : null}
    </Box>
  );
}

function row(i: IncidentView, t: ReturnType<typeof useT>["t"]): string {
  return [
    isoToRoc(i.at),
    padTo(t(L.incidentKind[i.kind]), 14),
    i.originalVisitId,
    `#${i.refillNo}`,
    maskId(i.nationalId),
    i.nhiCodes.length ? `[${i.nhiCodes.join(",")}]` : "",
    i.acknowledged ? `✓ ${t(L.incidentDone)}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

function Detail({ incident: i }: { incident: IncidentView }) {
  const { t } = useT();
  const other = i.otherInstitution ? `${i.otherInstitution.name ?? ""} ${i.otherInstitution.code}`.trim() : "";
  return (
    <Box flexDirection="column" borderStyle="single" borderColor={i.acknowledged ? "gray" : "red"} paddingX={1}>
      <Text color={i.acknowledged ? undefined : "red"} bold wrap="wrap">
        {t(i.message)}
      </Text>
      <Text wrap="wrap" color="gray">
        {t(L.incidentWho, { pharmacist: maskId(i.pharmacistId), dispensing: i.dispensingId })}
        {other ? ` · ${t(L.incidentOther, { other })}` : ""}
      </Text>
      {(i.differences ?? []).map((d) => (
        <Text key={d.field} wrap="wrap">
          {t(L.incidentDifference, { field: d.field, typed: d.typed, nhi: d.nhi })}
        </Text>
      ))}
      {i.acknowledged ? (
        <Text color="green" wrap="wrap">
          ✓{" "}
          {t(L.incidentAckBy, {
            pharmacist: maskId(i.acknowledged.pharmacistId),
            at: isoToRoc(i.acknowledged.at),
            note: i.acknowledged.note,
          })}
        </Text>
      ) : (
        <Text color="yellow">{t(L.incidentAckHint)}</Text>
      )}
    </Box>
  );
}
