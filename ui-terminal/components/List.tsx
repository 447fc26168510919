/** A fixed-height list: keeps the selected (or scrolled-to) row visible; never grows past its height. */
import { Box, Text } from "ink";
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { errorNote } from "../actions.js";
import { L, type Note, useT } from "../i18n.js";

export function List({
  rows,
  height,
  position,
  selectable = false,
}: {
  rows: ReactNode[];
  height: number;
  /** Selected row (selectable) or first visible row (scrolling). */
  position: number;
  selectable?: boolean;
}) {
  const { t } = useT();
  if (rows.length === 0) return <Text color="gray">{t(L.noRows)}</Text>;
  const start = selectable ? Math.max(0, Math.min(position - height + 1, rows.length - height, position)) : position;
  const first = Math.max(0, Math.min(start, Math.max(0, rows.length - height)));
  const visible = rows.slice(first, first + height);
  return (
    <Box flexDirection="column" height={Math.min(height, rows.length)}>
      {visible.map((row, i) => {
        const index = first + i;
        return (
          <Box key={index} height={1} overflow="hidden">
            {selectable && index === position ? (
              <Text inverse wrap="truncate">
                {row}
              </Text>
            ) : (
              <Text wrap="truncate">{row}</Text>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

/** Moves a position with ↑↓ PgUp PgDn Home End; returns the new position, or undefined when not a move key. */
export function move(name: string, position: number, count: number, page: number): number | undefined {
  const last = Math.max(0, count - 1);
  switch (name) {
    case "up":
      return Math.max(0, position - 1);
    case "down":
      return Math.min(last, position + 1);
    case "pageup":
      return Math.max(0, position - page);
    case "pagedown":
      return Math.min(last, position + page);
    case "home":
      return 0;
    case "end":
      return last;
    default:
      return undefined;
  }
}

export type Loaded<T> = { state: "loading" } | { state: "ok"; data: T } | { state: "error"; text: Note };

/** Loads data for a screen; `reload()` loads again (after a change). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [value, setValue] = useState<Loaded<T>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: callers pass the dependencies of `load`
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setValue({ state: "ok", data }),
      (error: unknown) => live && setValue({ state: "error", text: errorNote(error) }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return [value, reload];
}

export function LoadState({ value }: { value: Loaded<unknown> }) {
  const { t } = useT();
  if (value.state === "loading") return <Text color="gray">{t(L.loading)}</Text>;
  if (value.state === "error")
    return (
      <Text color="red" bold wrap="truncate">
        ✕ {t(value.text)}
      </Text>
    );
  return null;
}
