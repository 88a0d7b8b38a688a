"use client";
// Reads an external store (the call client's snapshots) as a transition:
// each change renders in the background, interruptibly. For the call
// surfaces only, whose big renders (ring → call screen) land while the call
// is being set up: read with useSyncExternalStore, a store change during such
// a render makes React redo it as one blocking render (measured: a 40 ms task
// on the callee's main thread between its answer and the first frame, bench
// B2). The pages under them (useCalls) read it the same way.
import { startTransition, useEffect, useState } from "react";

export function useStoreInTransition<T>(subscribe: (fn: () => void) => () => void, getSnapshot: () => T): T {
  const [value, setValue] = useState(getSnapshot);
  useEffect(() => {
    const update = () => startTransition(() => setValue(getSnapshot()));
    update();
    return subscribe(update);
  }, [subscribe, getSnapshot]);
  return value;
}
