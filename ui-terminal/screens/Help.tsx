/** F1: the keys, and the demo prescriptions to scan; ↑↓ PgUp PgDn scroll what does not fit, down to its last line. */
import { Box, type DOMElement, measureElement, Text } from "ink";
import { useEffect, useRef, useState } from "react";
import type { DemoCase } from "../../src/demo/cases.js";
import { formatVisitIdGrouped } from "../../src/domain/visit-id.js";
import { HELP_LINES, L, type Note, useT } from "../i18n.js";
import { useKeys } from "../key-router.js";

export type { DemoCase };

export function Help({
  notice,
  demoCases = [],
  height = 19,
}: {
  notice?: Note;
  demoCases?: DemoCase[];
  height?: number;
}) {
  const { t } = useT();
  // Scrolled by rows: every line keeps its height (never squeezed over the next), the top ones move out of view.
  const [top, setTop] = useState(0);
  // The text's laid-out height (it wraps with the width): scrolling stops once its last line is at the bottom.
  // Measured when a key arrives (the terminal renders behind React, so a measure taken right after a render may
  // predate its layout), and after each render to pull back when the text got shorter (F2, a wider terminal).
  const content = useRef<DOMElement>(null);
  const maxTop = () => Math.max(0, (content.current ? measureElement(content.current).height : 0) - height);
  useEffect(() => {
    const limit = maxTop();
    setTop((n) => (n > limit && limit > 0 ? limit : n));
  });
  useKeys(1, (e) => {
    if (e.kind !== "key") return false;
    const step = { up: -1, down: 1, pageup: -(height - 1), pagedown: height - 1 }[e.name as string];
    if (step === undefined) return false;
    const limit = maxTop();
    setTop((n) => Math.max(0, Math.min(limit, n + step)));
    return true;
  });
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Box ref={content} flexDirection="column" flexShrink={0} marginTop={-top}>
        <Text bold color="cyan">
          {t(L.help)}
        </Text>
        {HELP_LINES.map((line) => (
          <Text key={line.en} wrap="wrap">
            · {t(line)}
          </Text>
        ))}
        {notice ? <Text color="yellow">{t(notice)}</Text> : null}
        {demoCases.length > 0 ? (
          <Box flexDirection="column" marginTop={1}>
            <Text bold wrap="wrap">
              {t(L.demoCases)}
            </Text>
            {demoCases.map((c) => (
              <Box key={c.visitId} flexDirection="column">
                <Text wrap="wrap">
                  {formatVisitIdGrouped(c.visitId)} <Text bold>{c.patientName}</Text>{" "}
                  <Text color="cyan">--profile {c.cardProfile}</Text>
                </Text>
                <Box paddingLeft={2}>
                  <Text wrap="wrap">
                    <Text color="gray">{c.scenario}</Text> {t(c.description)}
                  </Text>
                </Box>
              </Box>
            ))}
          </Box>
        ) : null}
      </Box>
    </Box>
  );
}
