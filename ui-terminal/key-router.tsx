/**
 * One keyboard, many listeners: a modal prompt sees keys before its screen, a screen before the global keys.
 * Handlers return true when they used the key. Registered layers: 0 global, 1 screen, 2 prompt, 3 the quit question.
 */
import { useStdin } from "ink";
import { createContext, type ReactNode, useContext, useEffect, useLayoutEffect, useMemo, useRef } from "react";
import { type KeyEvent, parseKeys } from "./keys.js";

export type KeyHandler = (event: KeyEvent) => boolean | undefined;

interface Entry {
  layer: number;
  order: number;
  handler: { current: KeyHandler };
}

interface Router {
  register(layer: number, handler: { current: KeyHandler }): () => void;
}

const RouterContext = createContext<Router | undefined>(undefined);

export function KeyRouter({ children, onKey }: { children: ReactNode; onKey?: (event: KeyEvent) => void }) {
  const { internal_eventEmitter: emitter, setRawMode, isRawModeSupported } = useStdin();
  const entries = useRef<Entry[]>([]);
  const counter = useRef(0);
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  const router = useMemo<Router>(
    () => ({
      register(layer, handler) {
        const entry = { layer, order: counter.current++, handler };
        entries.current.push(entry);
        return () => {
          entries.current = entries.current.filter((e) => e !== entry);
        };
      },
    }),
    [],
  );
  useEffect(() => {
    if (isRawModeSupported) setRawMode(true);
    const onInput = (sequence: string) => {
      for (const event of parseKeys(sequence)) {
        onKeyRef.current?.(event);
        const ordered = [...entries.current].sort((a, b) => b.layer - a.layer || b.order - a.order);
        for (const entry of ordered) {
          if (entry.handler.current(event)) break;
        }
      }
    };
    emitter.on("input", onInput);
    return () => {
      emitter.removeListener("input", onInput);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [emitter, setRawMode, isRawModeSupported]);
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

/** Listens while `active`; the latest handler closure is always used. */
export function useKeys(layer: number, handler: KeyHandler, active = true): void {
  const router = useContext(RouterContext);
  const ref = useRef(handler);
  ref.current = handler;
  // Registered during commit, so a key typed right after a prompt appears already reaches it.
  useLayoutEffect(() => {
    if (!router || !active) return;
    return router.register(layer, ref);
  }, [router, layer, active]);
}

/** Keys a modal prompt lets through to the global keys: Ctrl+C (quit) and F2 (language; changes nothing else). */
export function passesPrompt(e: KeyEvent): boolean {
  return (e.kind === "ctrl" && e.letter === "c") || (e.kind === "key" && e.name === "f2");
}
