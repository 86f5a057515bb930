// What pages hand each other in memory only (never in the URL or storage): a virtual key value for the Playground.
let playgroundKey = '';

export function setPlaygroundKey(v) {
  playgroundKey = v || '';
}

/** The value handed over, once: it is forgotten here as it is taken. */
export function takePlaygroundKey() {
  const v = playgroundKey;
  playgroundKey = '';
  return v;
}
