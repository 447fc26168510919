/** F7: NHI check-result codes, what they mean and what to do; type to filter. */
import { Box, Text } from "ink";
import { useMemo, useState } from "react";
import { describeNhiCode, NHI_ERROR_CODES } from "../../src/nhi/error-codes.js";
import { move } from "../components/List.js";
import { L, useT } from "../i18n.js";
import { useKeys } from "../key-router.js";

export function Codes({ height, width, onBack }: { height: number; width: number; onBack(): void }) {
  const { t } = useT();
  const [filter, setFilter] = useState("");
  const [pos, setPos] = useState(0);
  const codes = useMemo(
    () => NHI_ERROR_CODES.filter((c) => c.toUpperCase().startsWith(filter.toUpperCase())).map(describeNhiCode),
    [filter],
  );
  const perCode = 2;
  const page = Math.max(1, Math.floor((height - 2) / perCode));
  useKeys(1, (e) => {
    if (e.kind === "text" && /^[0-9a-z]+$/i.test(e.text)) {
      setFilter((f) => (f + e.text).toUpperCase().slice(0, 6));
      setPos(0);
      return true;
    }
    if (e.kind === "key" && e.name === "backspace") {
      setFilter((f) => f.slice(0, -1));
      setPos(0);
      return true;
    }
    if (e.kind === "key" && e.name === "escape" && filter) {
      setFilter("");
      return true;
    }
    if (e.kind === "key" && e.name === "escape") {
      onBack();
      return true;
    }
    if (e.kind === "key") {
      const next = move(e.name, pos, codes.length, page);
      if (next !== undefined) setPos(Math.max(0, Math.min(next, codes.length - page)));
      return next !== undefined;
    }
    return false;
  });
  const visible = codes.slice(pos, pos + page);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color="cyan">
        {t(L.codesTitle)} <Text color="yellow">▸ {filter}</Text>
        <Text inverse> </Text> <Text color="gray">({codes.length})</Text>
      </Text>
      {visible.length === 0 ? <Text color="gray">{t(L.noRows)}</Text> : null}
      {visible.map((c) => (
        <Box key={c.code} flexDirection="column">
          <Box>
            <Box width={5} flexShrink={0}>
              <Text bold color="red">
                {c.code}
              </Text>
            </Box>
            <Text wrap="wrap">{t(c.message)}</Text>
          </Box>
          <Box paddingLeft={5}>
            <Text color="gray" wrap="wrap">
              {t(c.advice)}
            </Text>
          </Box>
        </Box>
      ))}
    </Box>
  );
}
