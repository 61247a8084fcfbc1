// Functions the composer and collections end-to-end tests run inside the page (page.evaluate /
// page.waitForFunction). Plain JavaScript because the node-side TypeScript project has no DOM types;
// workbench-page-scripts.d.ts types them. Each is sent to the page alone, so none calls another.
/* global document */

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

/** The values of every input with this test id, in order. */
export function inputValues(testId) {
  return Array.from(document.querySelectorAll(`[data-testid="${testId}"]`)).map((input) => input.value)
}

/** Kind and text of every row with this test id. */
export function rowKinds(testId) {
  return Array.from(document.querySelectorAll(`[data-testid="${testId}"]`)).map((row) => `${row.getAttribute('data-kind') ?? row.getAttribute('data-ok')}:${row.textContent}`)
}
