// Functions the composer and collections end-to-end tests run inside the page (page.evaluate /
// page.waitForFunction). Plain JavaScript because the node-side TypeScript project has no DOM types;
// workbench-page-scripts.d.ts types them. Each is sent to the page alone, so none calls another.
/* global document, window, getComputedStyle */

/** The collection tree as shown: each entry's name, indented two spaces per level. */
export function treeOrder() {
  return Array.from(document.querySelectorAll('[data-testid="tree-node"]')).map(
    (node) => `${'  '.repeat(Number(node.getAttribute('data-depth')))}${node.querySelector('[data-testid="tree-name"]')?.textContent ?? ''}`,
  )
}

/** True when the tree shows exactly these entries (JSON of treeOrder's result). */
export function treeShows(expectedJson) {
  const shown = Array.from(document.querySelectorAll('[data-testid="tree-node"]')).map(
    (node) => `${'  '.repeat(Number(node.getAttribute('data-depth')))}${node.querySelector('[data-testid="tree-name"]')?.textContent ?? ''}`,
  )
  return JSON.stringify(shown) === expectedJson
}

/** The tree entry that has the keyboard focus. */
export function focusedNodeId() {
  return document.activeElement?.getAttribute('data-node-id') ?? null
}

/** True when the focused tree entry is this one. */
export function nodeHasFocus(id) {
  return (document.activeElement?.getAttribute('data-node-id') ?? null) === id
}

/** The test id of the element that has the keyboard focus (its tag name when it has none). */
export function focusedTestId() {
  const active = document.activeElement
  return active?.getAttribute('data-testid') ?? active?.tagName.toLowerCase() ?? null
}

/** True when the element that has the keyboard focus has this test id. */
export function testIdHasFocus(testId) {
  return (document.activeElement?.getAttribute('data-testid') ?? null) === testId
}

/** The values of every input with this test id, in order. */
export function inputValues(testId) {
  return Array.from(document.querySelectorAll(`[data-testid="${testId}"]`)).map((input) => input.value)
}

/** Kind and text of every row with this test id. */
export function rowKinds(testId) {
  return Array.from(document.querySelectorAll(`[data-testid="${testId}"]`)).map((row) => `${row.getAttribute('data-kind') ?? row.getAttribute('data-ok')}:${row.textContent}`)
}

/**
 * Each replay row as shown (newest first): the text and title of its request and status, whether
 * each is cut short with an ellipsis, and for each action button whether it is whole inside the replays list and the
 * window and on top (just inside each side of its box and at its middle). Each row is first scrolled
 * into view from top to bottom only: what lies beyond the right edge stays there, as for a user.
 */
export function replayRows() {
  const shown = (element) => {
    const list = document.querySelector('[data-testid="replays"]').getBoundingClientRect()
    const rect = element.getBoundingClientRect()
    if (rect.width === 0 || rect.left < list.left || rect.right > list.right || rect.top < list.top || rect.bottom > list.bottom) return false
    const middleX = (rect.left + rect.right) / 2
    const middleY = (rect.top + rect.bottom) / 2
    const points = [
      [middleX, rect.top + 2],
      [middleX, rect.bottom - 2],
      [rect.left + 2, middleY],
      [rect.right - 2, middleY],
      [middleX, middleY],
    ]
    return points.every(([x, y]) => {
      if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false
      const hit = document.elementFromPoint(x, y)
      return hit !== null && (hit === element || element.contains(hit))
    })
  }
  const part = (element) => (element ? { text: element.textContent, title: element.getAttribute('title'), cut: element.scrollWidth > element.clientWidth && getComputedStyle(element).textOverflow === 'ellipsis' } : null)
  return Array.from(document.querySelectorAll('[data-testid="replay-row"]')).map((row) => {
    row.scrollIntoView({ block: 'nearest' })
    for (let box = row.parentElement; box; box = box.parentElement) box.scrollLeft = 0
    return {
      request: part(row.querySelector('[data-testid="replay-request"]')),
      status: part(row.querySelector('[data-testid="replay-status"]')),
      actions: Object.fromEntries(Array.from(row.querySelectorAll('button:not([data-testid="replay-open"])')).map((button) => [button.getAttribute('data-testid'), shown(button)])),
    }
  })
}

/** Starts recording every text the element with this test id shows, as it changes (read them with watchedTexts). */
export function startTextWatch(testId) {
  const seen = []
  window.__watchedTexts = seen
  const record = () => {
    const text = document.querySelector(`[data-testid="${testId}"]`)?.textContent
    if (text && seen[seen.length - 1] !== text) seen.push(text)
  }
  new window.MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true })
  record()
}

export function watchedTexts() {
  return window.__watchedTexts ?? []
}

/** Starts recording, until `stopJankWatch`, the page's long tasks (each over 50 ms, as the browser
 * reports them) and the longest time between two animation frames. */
export function startJankWatch() {
  const watch = { longTasks: [], longestFrame: 0, running: true, observer: null }
  window.__jankWatch = watch
  watch.observer = new window.PerformanceObserver((list) => {
    for (const entry of list.getEntries()) watch.longTasks.push(entry.duration)
  })
  watch.observer.observe({ type: 'longtask' })
  let last = window.performance.now()
  const frame = (now) => {
    if (!watch.running) return
    watch.longestFrame = Math.max(watch.longestFrame, now - last)
    last = now
    window.requestAnimationFrame(frame)
  }
  window.requestAnimationFrame(frame)
}

/** What `startJankWatch` recorded: the longest task and the longest frame, in milliseconds. */
export function stopJankWatch() {
  const watch = window.__jankWatch
  if (!watch) return { longestTask: 0, longestFrame: 0, longTasks: 0 }
  watch.running = false
  for (const entry of watch.observer.takeRecords()) watch.longTasks.push(entry.duration)
  watch.observer.disconnect()
  return { longestTask: Math.max(0, ...watch.longTasks), longestFrame: watch.longestFrame, longTasks: watch.longTasks.length }
}

/** Resolves at the next animation frame (after what a change drew has been painted). */
export function nextFrame() {
  return new Promise((resolve) => window.requestAnimationFrame(() => window.requestAnimationFrame(() => resolve())))
}

/**
 * True when the focused element is a tree entry whose name ends with this text and that is wholly
 * inside the tree's scrolling box.
 */
export function focusedNodeShown(nameEnd) {
  const node = document.activeElement
  if (node?.getAttribute('data-testid') !== 'tree-node') return false
  if (!(node.querySelector('[data-testid="tree-name"]')?.textContent ?? '').endsWith(nameEnd)) return false
  const box = node.closest('[role="tree"]').getBoundingClientRect()
  const rect = node.getBoundingClientRect()
  return rect.height > 0 && rect.top >= box.top && rect.bottom <= box.bottom
}
